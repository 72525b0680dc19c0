import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { failbackNames, failbackPlan, stampOf } from "./plan.js";

describe("failback plan", () => {
  const config = exampleConfig();
  const plan = failbackPlan(config, "20261126t011200");

  it("follows docs/cli.md: fence, snapshot, reverse replication, then a zero-loss switchover, unlatch, B down", () => {
    expect(plan.map((s) => s.id)).toEqual([
      "fence",
      "snapshot",
      "reverse-replication",
      "restore-primary-capacity",
      "switchover",
      "unlatch",
      "scale-backup-down",
      "rebuild-backup-replica",
      "close-incident",
    ]);
  });

  it("asks before every step that changes what serves or what holds data", () => {
    expect(plan.filter((s) => s.destructive).map((s) => s.id)).toEqual([
      "fence",
      "reverse-replication",
      "switchover",
      "unlatch",
      "scale-backup-down",
      "rebuild-backup-replica",
    ]);
  });

  it("replicates P from B's ARN, and B from P's ARN again at the end", () => {
    const reverse = plan.find((s) => s.id === "reverse-replication");
    expect(reverse?.actions.join(" ")).toContain(`from ${config.backup.db.arn}`);
    const rebuild = plan.find((s) => s.id === "rebuild-backup-replica");
    expect(rebuild?.actions.join(" ")).toContain(`from ${config.primary.db.arn}`);
  });

  it("fences B's database and compares WAL positions over SQL before promoting", () => {
    const actions = plan.find((s) => s.id === "switchover")?.actions ?? [];
    expect(actions[0]).toContain("fence B's writes");
    expect(actions[1]).toContain("pg_last_wal_replay_lsn");
    expect(actions[2]).toContain("PromoteReadReplica");
  });

  it("names what it keeps after the time it ran, in a form RDS accepts", () => {
    const stamp = stampOf(new Date("2026-11-26T01:12:00.123Z"));
    expect(stamp).toBe("20261126t011200");
    const names = failbackNames(config, stamp);
    expect(names.snapshot).toBe("demo-primary-failback-20261126t011200");
    expect(names.fencedPrimary).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
  });
});
