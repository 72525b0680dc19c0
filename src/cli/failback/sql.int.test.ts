import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresCluster, startPostgresCluster } from "../../local/postgres.js";
import { acceptsWrites, fenceWrites, liftFence, replayBehind, type SqlEndpoint } from "./sql.js";

// The switchover's SQL against a real PostgreSQL 15 primary and its streaming replica, run as a
// role shaped like RDS's master user: NOSUPERUSER CREATEDB CREATEROLE, owner of the app's
// database, allowed to see every session in pg_stat_activity and to end it with
// pg_terminate_backend (RDS user guide, "Understanding the rds_superuser role"; here the
// built-in pg_read_all_stats and pg_signal_backend roles grant the same).
describe("failback SQL", () => {
  let cluster: PostgresCluster;
  const master = { user: "rds_master", password: "master-pw-1" };
  const database = "shop";
  const ep = (port: number): SqlEndpoint => ({ host: cluster.host, port, database, ssl: false, ...master });
  let writer: SqlEndpoint;
  let standby: SqlEndpoint;

  async function session(at: SqlEndpoint): Promise<pg.Client> {
    const c = new pg.Client({ host: at.host, port: at.port, user: at.user, password: at.password, database });
    c.on("error", () => undefined); // a terminated session errors asynchronously
    await c.connect();
    return c;
  }

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const admin = new pg.Client({ connectionString: cluster.url(cluster.primary) });
    await admin.connect();
    await admin.query(
      `CREATE ROLE ${master.user} LOGIN NOSUPERUSER CREATEDB CREATEROLE PASSWORD '${master.password}' IN ROLE pg_read_all_stats, pg_signal_backend`,
    );
    await admin.query(`CREATE DATABASE ${database} OWNER ${master.user}`);
    await admin.end();
    writer = ep(cluster.primary.port);
    const replica = cluster.replica;
    if (!replica) throw new Error("no replica");
    standby = ep(replica.port);
    const c = await session(writer);
    await c.query("CREATE TABLE orders (id serial PRIMARY KEY, note text)");
    await c.end();
    await cluster.waitForReplay();
  });

  afterAll(async () => {
    await cluster?.close();
  });

  describe("fenceWrites against the app's own role (defect 7)", () => {
    // The app connects as its own login role, owner of its tables, never as the master user.
    const app = { user: "shop_app", password: "app-pw-1" };
    const appAt = (at: SqlEndpoint): SqlEndpoint => ({ ...at, ...app });

    beforeAll(async () => {
      const c = await session(writer);
      await c.query(`CREATE ROLE ${app.user} LOGIN PASSWORD '${app.password}'`);
      await c.query(`GRANT CONNECT ON DATABASE ${database} TO ${app.user}`);
      await c.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${app.user}`);
      await c.end();
      const a = await session(appAt(writer));
      await a.query("CREATE TABLE app_orders (id serial PRIMARY KEY, note text)");
      await a.end();
    });

    it("an app session that asks for SET TRANSACTION READ WRITE cannot write while fenced", async () => {
      await fenceWrites(writer);
      try {
        const a = await session(appAt(writer)).catch((err: Error) => err);
        if (a instanceof Error) return; // refused at connect: the fence holds
        const write = (async () => {
          await a.query("BEGIN");
          await a.query("SET TRANSACTION READ WRITE");
          await a.query("INSERT INTO app_orders (note) VALUES ('through the fence')");
          await a.query("COMMIT");
        })();
        await expect(write).rejects.toThrow();
        await a.end().catch(() => undefined);
      } finally {
        await liftFence(writer);
      }
    });

    it("an app session that turns default_transaction_read_only off, or reconnects, cannot write while fenced", async () => {
      const before = await session(appAt(writer));
      await fenceWrites(writer);
      try {
        await expect(before.query("SELECT 1")).rejects.toThrow(); // ended by the fence
        const again = await session(appAt(writer)).catch((err: Error) => err);
        if (again instanceof Error) return;
        await again.query("SET default_transaction_read_only = off");
        await expect(again.query("INSERT INTO app_orders (note) VALUES ('reconnected')")).rejects.toThrow();
        await again.end().catch(() => undefined);
      } finally {
        await liftFence(writer);
      }
    });

    it("leaves a superuser session (RDS's rdsadmin) alone instead of failing after the fence took", async () => {
      // the harness's superuser, in the app's database: RDS's rdsadmin, whose sessions the
      // master user may not end ("must be a superuser to terminate superuser process")
      const rdsadmin = new pg.Client({
        host: cluster.host,
        port: cluster.primary.port,
        user: cluster.user,
        password: cluster.password,
        database,
      });
      rdsadmin.on("error", () => undefined);
      await rdsadmin.connect();
      try {
        await expect(fenceWrites(writer)).resolves.toBeDefined();
        expect((await rdsadmin.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      } finally {
        await liftFence(writer);
        await rdsadmin.end();
      }
    });
  });

  describe("fenceWrites", () => {
    it("ends every other session and makes new ones read-only, without ALTER SYSTEM (RDS refuses it)", async () => {
      const app = await session(writer);
      await app.query("INSERT INTO orders (note) VALUES ('before the fence')");

      const fence = await fenceWrites(writer);

      expect(fence).toMatchObject({ readOnly: true, writersLeft: 0 });
      expect(fence.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      await expect(app.query("SELECT 1")).rejects.toThrow(); // the server ended the session
      const late = await session(writer);
      await expect(late.query("INSERT INTO orders (note) VALUES ('after the fence')")).rejects.toMatchObject({
        code: "25006", // read_only_sql_transaction: the app answers 503 read_only
      });
      await late.end();
    });

    it("hands back a WAL position the standby reaches, with every write acknowledged before it", async () => {
      await expect
        .poll(async () => (await replayBehind(standby, (await fenceWrites(writer)).lsn)).bytes, {
          timeout: 10_000,
        })
        .toBe(0);
      const c = await session(standby);
      const rows = await c.query<{ note: string }>("SELECT note FROM orders");
      await c.end();
      expect(rows.rows.map((r) => r.note)).toEqual(["before the fence"]);
    });
  });

  describe("replayBehind", () => {
    it("counts the bytes a standby has still to replay, and says a primary is no standby", async () => {
      expect(await replayBehind(standby, "0/0")).toEqual({ standby: true, bytes: 0 });
      expect((await replayBehind(standby, "FFFF/0")).bytes).toBeGreaterThan(0);
      expect((await replayBehind(writer, "0/0")).standby).toBe(false);
    });
  });

  describe("liftFence", () => {
    it("clears the fence the WAL carried to the promoted standby, so it takes writes", async () => {
      await cluster.promote();
      // the ALTER DATABASE setting is a catalog row: the promoted standby starts fenced too
      expect(await acceptsWrites(standby)).toBe(false);

      expect(await liftFence(standby)).toBe(true);

      expect(await acceptsWrites(standby)).toBe(true);
      const c = await session(standby);
      await c.query("INSERT INTO orders (note) VALUES ('on the new primary')");
      await c.end();
    });

    it("undoes the fence on the old writer where a switchover stops before the promotion", async () => {
      expect(await acceptsWrites(writer)).toBe(false);
      expect(await liftFence(writer)).toBe(true);
      expect(await acceptsWrites(writer)).toBe(true);
    });
  });
});
