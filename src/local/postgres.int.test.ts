import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresCluster, startPostgresCluster } from "./postgres.js";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, timeoutMs = 5000): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("postgres harness", () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });

  afterAll(async () => {
    await cluster?.close();
  });

  describe("startPostgresCluster", () => {
    it("starts a primary and a streaming replica of it", async () => {
      const replica = cluster.replica;
      if (!replica) throw new Error("no replica");
      expect(await query(cluster.url(cluster.primary), "SELECT pg_is_in_recovery() AS r")).toEqual([
        { r: false },
      ]);
      expect(await query(cluster.url(replica), "SELECT pg_is_in_recovery() AS r")).toEqual([{ r: true }]);
      const [sender] = await query<{ state: string }>(
        cluster.url(cluster.primary),
        "SELECT state FROM pg_stat_replication",
      );
      expect(sender?.state).toBe("streaming");
    });

    it("refuses a wrong password", async () => {
      const url = cluster.url(cluster.primary).replace(encodeURIComponent(cluster.password), "wrong");
      await expect(query(url, "SELECT 1")).rejects.toThrow(/password authentication failed/);
    });
  });

  describe("hang and resume", () => {
    it("makes new connections time out until resumed", async () => {
      cluster.hang(cluster.primary);
      try {
        await expect(query(cluster.url(cluster.primary), "SELECT 1", 500)).rejects.toThrow(/timeout/);
      } finally {
        cluster.resume(cluster.primary);
      }
      expect(await query(cluster.url(cluster.primary), "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    });
  });

  describe("stop and start", () => {
    it("refuses connections while stopped and serves on the same port after", async () => {
      await cluster.stop(cluster.primary);
      await expect(query(cluster.url(cluster.primary), "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
      await cluster.start(cluster.primary);
      expect(await query(cluster.url(cluster.primary), "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    });
  });

  describe("waitForReplay and promote", () => {
    it("replays committed rows, then makes the replica writable", async () => {
      const replica = cluster.replica;
      if (!replica) throw new Error("no replica");
      await query(cluster.url(cluster.primary), "CREATE TABLE t AS SELECT generate_series(1, 1000) AS x");
      await cluster.waitForReplay();
      expect(await query(cluster.url(replica), "SELECT count(*)::int AS n FROM t")).toEqual([{ n: 1000 }]);
      await cluster.promote();
      expect(await query(cluster.url(replica), "SELECT pg_is_in_recovery() AS r")).toEqual([{ r: false }]);
      await query(cluster.url(replica), "INSERT INTO t VALUES (0)");
    });
  });

  describe("close", () => {
    it("stops both servers and removes the directory", async () => {
      const other = await startPostgresCluster({ replica: false });
      await other.close();
      expect(existsSync(other.baseDir)).toBe(false);
      await expect(query(other.url(other.primary), "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
    });
  });
});
