import { describe, expect, it } from "vitest";
import { awsError as sdkError } from "../../../test/fixtures/aws-error.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { isPermanent, waitFor } from "./waits.js";

const awsError = (name: string, fault: "client" | "server", httpStatusCode?: number) =>
  sdkError(name, `${name} from AWS`, { fault, ...(httpStatusCode ? { httpStatusCode } : {}) });

describe("failback waits", () => {
  describe("isPermanent", () => {
    it("holds for a client fault that waiting will not clear: denied, invalid, missing", () => {
      expect(isPermanent(awsError("AccessDenied", "client", 403))).toBe(true);
      expect(isPermanent(awsError("AccessDeniedException", "client", 403))).toBe(true);
      expect(isPermanent(awsError("InvalidParameterValue", "client"))).toBe(true);
    });

    it("does not hold for throttling (a client fault that clears), server faults and network errors", () => {
      expect(isPermanent(awsError("Throttling", "client"))).toBe(false);
      expect(isPermanent(awsError("ThrottlingException", "client"))).toBe(false);
      expect(isPermanent(awsError("InternalFailure", "server"))).toBe(false);
      expect(isPermanent(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(
        false,
      );
    });
  });

  describe("waitFor", () => {
    const quick = (log: string[] = []) => ({
      timeoutMs: 60,
      intervalMs: 5,
      tellEveryMs: 20,
      log: (m: string) => log.push(m),
    });

    it("says what it waits for and how long at most, and returns the first truthy value", async () => {
      const log: string[] = [];
      let n = 0;
      expect(
        await waitFor("the replica", async () => (++n >= 3 ? "replicating" : undefined), quick(log)),
      ).toBe("replicating");
      expect(log[0]).toBe("waiting for the replica (up to 0 s)");
    });

    it("stops at once on AccessDenied instead of retrying it until the timeout", async () => {
      let calls = 0;
      const started = Date.now();
      await expect(
        waitFor(
          "targets healthy",
          async () => {
            calls++;
            throw awsError("AccessDenied", "client", 403);
          },
          { ...quick(), timeoutMs: 10_000 },
        ),
      ).rejects.toThrow(/while waiting for targets healthy: AccessDenied: .* will not clear by waiting/);
      expect(calls).toBe(1);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it("stops at once when the check itself decides no wait repairs the state (a CliError)", async () => {
      let calls = 0;
      await expect(
        waitFor(
          "snapshot available",
          async () => {
            calls++;
            throw new CliError("snapshot failed", ExitCode.failed);
          },
          { ...quick(), timeoutMs: 10_000 },
        ),
      ).rejects.toThrow(/^snapshot failed$/);
      expect(calls).toBe(1);
    });

    it("retries throttling and network errors, and names the last one when it gives up", async () => {
      let calls = 0;
      await expect(
        waitFor(
          "the snapshot",
          async () => {
            calls++;
            throw calls % 2 ? awsError("Throttling", "client") : new Error("socket hang up");
          },
          quick(),
        ),
      ).rejects.toThrow(/gave up waiting for the snapshot after 0 s \(last error: .*\); re-run failback/);
      expect(calls).toBeGreaterThan(2);
    });

    it("tells how long it has waited while it waits", async () => {
      const log: string[] = [];
      await expect(waitFor("P healthy", async () => false, quick(log))).rejects.toThrow(/gave up/);
      expect(log.some((m) => /^still waiting for P healthy \(0 s of 0 s\)$/.test(m))).toBe(true);
    });
  });
});
