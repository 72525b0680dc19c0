import { describe, expect, it } from "vitest";
import { parseScope, requestScope, servingRegion } from "./sigv4-scope.js";

// The credential scope's format, "access_key/YYYYMMDD/region/service/aws4_request", is AWS's
// (AWS STS API Reference, Common Parameters: X-Amz-Credential; IAM User Guide, "Create a signed
// AWS API request").
const HEADER =
  "AWS4-HMAC-SHA256 Credential=AKID/20261203/eu-west-1/rds/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

describe("sigv4-scope", () => {
  describe("requestScope", () => {
    it("reads the scope from the Authorization header", () => {
      expect(requestScope(HEADER, "/")).toEqual({
        accessKeyId: "AKID",
        date: "20261203",
        region: "eu-west-1",
        service: "rds",
      });
    });

    it("reads a presigned request's scope from its X-Amz-Credential query parameter", () => {
      // Prepare
      const url =
        "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261203%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Signature=abc";

      // Act
      const scope = requestScope(undefined, url);

      // Assess
      expect(scope?.region).toBe("eu-central-1");
      expect(scope?.service).toBe("s3");
    });

    it("finds no scope in an unsigned request or a malformed credential", () => {
      expect(requestScope(undefined, "/moto-api/data.json")).toBeUndefined();
      expect(requestScope("Bearer token", "/")).toBeUndefined();
      expect(
        requestScope("AWS4-HMAC-SHA256 Credential=AKID/2026/eu-west-1/rds/x, Signature=a", "/"),
      ).toBeUndefined();
    });
  });

  describe("parseScope", () => {
    it("keeps an access key id of any form and refuses a scope not ending in aws4_request", () => {
      expect(parseScope("ASIA123/20261203/us-east-1/sts/aws4_request")?.accessKeyId).toBe("ASIA123");
      expect(parseScope("AKID/20261203/us-east-1/sts")).toBeUndefined();
    });
  });

  describe("servingRegion", () => {
    it("puts Route 53 and IAM in us-east-1 whatever region signed them (their global endpoints)", () => {
      // Amazon Route 53 endpoints and quotas: "specify us-east-1 as the Region" and sign with it;
      // IAM's one global endpoint is iam.amazonaws.com (IAM User Guide, "Calling the IAM API").
      expect(
        servingRegion({ accessKeyId: "A", date: "20261203", region: "eu-west-1", service: "route53" }),
      ).toBe("us-east-1");
      expect(servingRegion({ accessKeyId: "A", date: "20261203", region: "eu-west-1", service: "iam" })).toBe(
        "us-east-1",
      );
    });

    it("leaves STS and regional services in the region they signed for (STS regional endpoints)", () => {
      expect(servingRegion({ accessKeyId: "A", date: "20261203", region: "eu-west-1", service: "sts" })).toBe(
        "eu-west-1",
      );
      expect(
        servingRegion({ accessKeyId: "A", date: "20261203", region: "eu-central-1", service: "rds" }),
      ).toBe("eu-central-1");
    });
  });
});
