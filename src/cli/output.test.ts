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
  return { out, io: { out: (t) => out.push(t), err: () => undefined, confirm: async () => false } };
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
    it("prints each term for the three cases and the floor, and the verdict against the target", () => {
      const output = rtoOutput(rtoModel(rtoInputsFromConfig(exampleConfig())));
      const rows = output.tables[0]?.rows ?? [];
      expect(rows.map((r) => r[0])).toEqual(["detect", "decide", "promote", "capacity", "dns", "total"]);
      expect(rows[5]?.slice(1, 5)).toEqual(["242s", "500s", "840s", "162s"]);
      expect(output.notes?.[0]).toContain("within target");
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
