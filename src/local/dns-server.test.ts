import { afterEach, describe, expect, it } from "vitest";
import { readHealthSignal } from "../aws/health-signal.js";
import { type LocalNameServer, startLocalNameServer } from "./dns-server.js";

describe("dns-server", () => {
  let server: LocalNameServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe("startLocalNameServer", () => {
    it("answers the health-signal TXT name from the zone's current state, through the probe's resolver", async () => {
      // Prepare
      let value = "primary-healthy";
      server = await startLocalNameServer({
        txt: async (name) => (name === "_signal.demo.example.com" ? [value] : undefined),
      });
      // Act
      const before = await readHealthSignal("_signal.demo.example.com", [server.address], 1_000);
      value = "primary-unhealthy";
      const after = await readHealthSignal("_signal.demo.example.com", [server.address], 1_000);
      // Assess
      expect(before).toMatchObject({ verdict: "healthy", server: server.address });
      expect(after).toMatchObject({ verdict: "unhealthy", server: server.address });
    });

    it("answers NXDOMAIN for a name it does not hold, which the probe reads as no verdict", async () => {
      // Prepare
      server = await startLocalNameServer({ txt: async () => undefined });
      // Act
      const reading = await readHealthSignal("_signal.other.example.com", [server.address], 1_000);
      // Assess
      expect(reading.verdict).toBeUndefined();
      expect(reading.detail).toContain("ENOTFOUND");
    });
  });
});
