import { describe, expect, it } from "vitest";
import { latchObjectResponse } from "./dns.js";

// The latch check's checkers fetch the latch object over HTTPS: S3 answers 200 while it exists,
// 404 for an absent key to a caller that may list the bucket (API_GetObject); no answer when B
// does not answer. `latchCheckHealthy` (src/core/route53.ts) turns these into the check's status.
describe("latchObjectResponse", () => {
  it("is a 200 while the object exists", async () => {
    expect(await latchObjectResponse(async () => ({ incidentId: "i-1" }))).toEqual({ status: 200 });
  });
  it("is a 404 while it is absent", async () => {
    expect(await latchObjectResponse(async () => undefined)).toEqual({ status: 404 });
  });
  it("is no answer when B does not answer", async () => {
    expect(
      await latchObjectResponse(async () => {
        throw new Error("connect ECONNREFUSED");
      }),
    ).toEqual({});
  });
});
