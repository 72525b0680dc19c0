import { describe, expect, it } from "vitest";
import { classifyDbError, DbDeadlineError, withDeadline } from "./db-errors.js";

describe("db-errors", () => {
  describe("classifyDbError", () => {
    it("maps a write on a replica (25006) to read-only", () => {
      expect(
        classifyDbError({ code: "25006", message: "cannot execute INSERT in a read-only transaction" }),
      ).toBe("read-only");
    });

    it.each([
      { code: "57P01" },
      { code: "08006" },
      { code: "57014" },
      { code: "ECONNREFUSED" },
      { message: "timeout exceeded when trying to connect" },
      { message: "Query read timeout" },
      { message: "Connection terminated unexpectedly" },
      new DbDeadlineError("x: database deadline of 10 ms exceeded"),
    ])("maps %o to unavailable", (err) => {
      expect(classifyDbError(err)).toBe("unavailable");
    });

    it("leaves other errors alone (they are bugs: 500)", () => {
      expect(classifyDbError({ code: "23505" })).toBeUndefined();
      expect(classifyDbError(new TypeError("x is undefined"))).toBeUndefined();
      expect(classifyDbError("text")).toBeUndefined();
    });
  });

  describe("withDeadline", () => {
    it("returns what finishes in time", async () => {
      await expect(withDeadline(Promise.resolve(7), 100, "t")).resolves.toBe(7);
    });

    it("rejects with DbDeadlineError when the work hangs", async () => {
      await expect(withDeadline(new Promise(() => undefined), 20, "probe")).rejects.toThrow(DbDeadlineError);
    });
  });
});
