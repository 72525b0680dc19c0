import { describe, expect, it } from "vitest";
import type { DbStatus } from "./database.js";
import { checkHealth, type HealthSource } from "./health.js";

function source(status: () => Promise<DbStatus>, schemaReady = true): HealthSource & { migrations: number } {
  const s = {
    migrations: 0,
    status,
    async ensureSchema() {
      s.migrations++;
      return schemaReady;
    },
  };
  return s;
}

describe("health", () => {
  describe("checkHealth", () => {
    it("is ok on a writable primary with its schema", async () => {
      const report = await checkHealth(
        source(async () => ({ role: "primary", readOnly: false })),
        false,
      );
      expect(report).toEqual({ healthy: true, body: { status: "ok", db: "primary" } });
      expect(JSON.stringify(report.body)).toContain('"status":"ok"');
    });

    it("is unavailable on a replica, without trying to migrate", async () => {
      const db = source(async () => ({ role: "replica", readOnly: true }));
      const report = await checkHealth(db, false);
      expect(report.healthy).toBe(false);
      expect(JSON.stringify(report.body)).not.toContain('"status":"ok"');
      expect(report.body).toMatchObject({ reason: expect.stringMatching(/replica/) });
      expect(db.migrations).toBe(0);
    });

    it("is unavailable on a primary set read-only", async () => {
      const report = await checkHealth(
        source(async () => ({ role: "primary", readOnly: true })),
        false,
      );
      expect(report.body).toMatchObject({ status: "unavailable", reason: "database is read-only" });
    });

    it("is unavailable until the schema is migrated", async () => {
      const report = await checkHealth(
        source(async () => ({ role: "primary", readOnly: false }), false),
        false,
      );
      expect(report.body).toMatchObject({ reason: expect.stringMatching(/schema/) });
    });

    it("is unavailable when the DB errors", async () => {
      const report = await checkHealth(
        source(async () => {
          throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
        }),
        false,
      );
      expect(report.body).toMatchObject({
        reason: "database unavailable: connect ECONNREFUSED 127.0.0.1:5432",
      });
    });

    it("answers by the deadline when the DB hangs", async () => {
      const started = Date.now();
      const report = await checkHealth(
        source(() => new Promise(() => undefined)),
        false,
        50,
      );
      expect(report.healthy).toBe(false);
      expect(Date.now() - started).toBeLessThan(500);
    });

    it("is unavailable while draining, so the load balancer stops sending", async () => {
      const report = await checkHealth(
        source(async () => ({ role: "primary", readOnly: false })),
        true,
      );
      expect(report.body).toEqual({ status: "unavailable", reason: "shutting down" });
    });
  });
});
