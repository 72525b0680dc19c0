import { afterEach, describe, expect, it, vi } from "vitest";
import { runCapture } from "../../test/support/cli-run.js";
import { assertEmulator, NotEmulatorError } from "./emulator.js";

describe("assertEmulator", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("takes a loopback endpoint (the emulator's or its fault proxy's) and returns it", () => {
    expect(assertEmulator({ AWS_ENDPOINT_URL: "http://127.0.0.1:4566" })).toBe("http://127.0.0.1:4566");
    expect(assertEmulator({ AWS_ENDPOINT_URL: "http://localhost:5000/" })).toBe("http://localhost:5000/");
  });

  it("refuses no endpoint (the SDK would call AWS) and any endpoint off this machine", () => {
    for (const env of [
      {},
      { AWS_ENDPOINT_URL: "https://rds.eu-west-1.amazonaws.com" },
      { AWS_ENDPOINT_URL: "http://10.0.0.5:4566" },
    ])
      expect(() => assertEmulator(env)).toThrow(NotEmulatorError);
  });

  it("makes `drill --local` exit with the usage code and say how to start the emulator, before any call", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", "");
    const run = await runCapture(["drill", "--local", "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/AWS_ENDPOINT_URL is not a loopback URL.*scripts\/emulator start/);
  });
});
