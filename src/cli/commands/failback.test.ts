import { describe, expect, it } from "vitest";
import { runCapture } from "../../../test/support/cli-run.js";

describe("failback command line", () => {
  it("refuses a --timeout that is not a number of seconds above 0, before reading anything", async () => {
    for (const value of ["0", "-5", "soon"]) {
      const run = await runCapture(["failback", "--timeout", value, "--config-file", "/nonexistent.json"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--timeout ${value}: expected a number of seconds above 0`);
    }
  });
});
