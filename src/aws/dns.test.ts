import { describe, expect, it } from "vitest";
import { latchObjectObserved } from "./dns.js";

// The latch check's checkers fetch the latch object over HTTPS: a 2xx passes, S3's 404 for an
// absent key (or 403 without s3:ListBucket, API_GetObject) and no answer fail
// (API_HealthCheckConfig.html, Type HTTPS).
describe("latchObjectObserved", () => {
  it("passes while the object exists", async () => {
    expect(await latchObjectObserved(async () => ({ incidentId: "i-1" }))).toBe(true);
  });
  it("fails while it is absent", async () => {
    expect(await latchObjectObserved(async () => undefined)).toBe(false);
  });
  it("fails when B does not answer, so an outage of B never latches P", async () => {
    expect(
      await latchObjectObserved(async () => {
        throw new Error("connect ECONNREFUSED");
      }),
    ).toBe(false);
  });
});
