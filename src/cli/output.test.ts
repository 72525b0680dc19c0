import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { rtoInputsFromConfig, rtoModel } from "../core/rto.js";
import { rtoOutput } from "./commands/rto.js";
import { statusExitCode } from "./commands/status.js";
import { ExitCode } from "./exit-codes.js";
import type { Io } from "./io.js";
import { renderTable, writeOutput } from "./output.js";

function capture(): { io: Io; out: string[] } {
  const out: string[] = [];
  return {
    out,
    io: {
      out: (t) => out.push(t),
      err: () => undefined,
      confirm: async () => false,
      ask: async () => undefined,
    },
  };
}

describe("output", () => {
  describe("renderTable", () => {
    it("pads columns to the widest cell and shows missing values as -", () => {
      const text = renderTable({
        head: ["a", "bb"],
        rows: [
          ["xxx", null],
          ["y", 2],
        ],
      });
      expect(text.split("\n")).toEqual(["a    bb", "---  --", "xxx  -", "y    2"]);
    });
  });

  describe("writeOutput", () => {
    it("prints the data, not the tables, with --output json", () => {
      const { io, out } = capture();
      writeOutput(io, "json", { data: { x: 1 }, tables: [{ head: ["x"], rows: [[1]] }] });
      expect(JSON.parse(out.join(""))).toEqual({ x: 1 });
    });
    it("prints tables then notes for people", () => {
      const { io, out } = capture();
      writeOutput(io, "table", {
        data: {},
        tables: [{ title: "T", head: ["x"], rows: [[1]] }],
        notes: ["n"],
      });
      expect(out.join("")).toBe("T\nx\n-\n1\n\nn");
    });
  });

  describe("rtoOutput", () => {
    it("prints every scenario, its triggers and terms for the three cases (and P lost's floor), with each verdict", () => {
      const output = rtoOutput(rtoModel(rtoInputsFromConfig(exampleConfig())));
      const [primaryLost, bothLost, held] = output.tables;
      const names = [
        "trigger route53",
        "trigger probe",
        "trigger probeAlarm",
        "detect",
        "hold",
        "decide",
        "promote",
        "capacity",
        "dns",
        "total",
      ];
      expect(primaryLost?.rows.map((r) => r[0])).toEqual(names);
      expect(bothLost?.rows.map((r) => r[0])).toEqual(names);
      // best, typical, worst, floor (test/fixtures/config.ts; src/core/rto.test.ts derives them)
      expect(held?.rows.map((r) => r[0])).toEqual(names);
      expect(primaryLost?.rows[9]?.slice(1, 5)).toEqual(["237s", "378s", "588s", "77s"]);
      expect(bothLost?.rows[0]?.slice(1, 4)).toEqual(["-", "-", "-"]);
      expect(bothLost?.rows[9]?.slice(1, 4)).toEqual(["237s", "381s", "591s"]);
      expect(held?.rows[4]?.slice(1, 4)).toEqual(["90s", "120s", "150s"]);
      expect(primaryLost?.title).toBe("scenario primary-lost: worst case 588s is within the target 900s");
      expect(bothLost?.title).toBe(
        "scenario primary-and-us-east-1-lost: worst case 591s is within the target 900s",
      );
      expect(held?.title).toBe("scenario in-region-recovery-held: worst case 875s is within the target 900s");
    });
  });

  describe("statusExitCode", () => {
    const r = (answered: boolean) => ({ answered }) as never;
    it("says which region did not answer", () => {
      expect(statusExitCode({ primary: r(true), backup: r(true) })).toBe(ExitCode.ok);
      expect(statusExitCode({ primary: r(false), backup: r(true) })).toBe(ExitCode.primaryUnknown);
      expect(statusExitCode({ primary: r(true), backup: r(false) })).toBe(ExitCode.backupUnknown);
      expect(statusExitCode({ primary: r(false), backup: r(false) })).toBe(ExitCode.bothUnknown);
    });
  });
});
