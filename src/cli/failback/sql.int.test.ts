import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresCluster, startPostgresCluster } from "../../local/postgres.js";
import {
  AppRoleError,
  acceptsWrites,
  ensureAppRole,
  FenceError,
  fenceWrites,
  liftFence,
  replayBehind,
  type SqlEndpoint,
} from "./sql.js";

// The switchover's SQL against a real PostgreSQL 15 primary and its streaming replica, run as the
// harness's login shaped like RDS's master user (cluster.master: NOSUPERUSER CREATEDB CREATEROLE,
// owner of the app's database, sees every session and may end any that is not a superuser's; RDS
// user guide, "Understanding the rds_superuser role"). The app connects as its own role, which
// ensureAppRole creates as the master user; the harness's superuser plays rdsadmin.
describe("failback SQL", () => {
  let cluster: PostgresCluster;
  const app = { user: "shop_app", password: "app-pw-1" };
  let master: { user: string; password: string };
  const ep = (port: number): SqlEndpoint => ({
    host: cluster.host,
    port,
    database: cluster.database,
    ssl: false,
    ...master,
    app,
  });
  let writer: SqlEndpoint;
  let standby: SqlEndpoint;

  async function session(at: SqlEndpoint, login = app): Promise<pg.Client> {
    const c = new pg.Client({
      host: at.host,
      port: at.port,
      user: login.user,
      password: login.password,
      database: cluster.database,
    });
    c.on("error", () => undefined); // a terminated session errors asynchronously
    await c.connect();
    return c;
  }

  /** A write as the app, however it asks: `undefined` when it went through, else the error. */
  async function appWrite(at: SqlEndpoint, note: string): Promise<unknown> {
    try {
      const c = await session(at);
      try {
        await c.query("BEGIN");
        await c.query("SET TRANSACTION READ WRITE");
        await c.query("INSERT INTO orders (note) VALUES ($1)", [note]);
        await c.query("COMMIT");
      } finally {
        await c.end().catch(() => undefined);
      }
      return undefined;
    } catch (err) {
      return err;
    }
  }

  // the harness's superuser in the app's database: RDS's rdsadmin, whose sessions the master user
  // may not end ("must be a superuser to terminate superuser process")
  const rdsadmin = () => session(writer, { user: cluster.user, password: cluster.password });

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    master = cluster.master;
    writer = ep(cluster.primary.port);
    const replica = cluster.replica;
    if (!replica) throw new Error("no replica");
    standby = ep(replica.port);
    const m = await session(writer, master);
    await m.query("CREATE TABLE legacy (id serial PRIMARY KEY, note text)"); // migrated as the master by an earlier version
    await m.end();
    expect(await ensureAppRole(writer)).toEqual({ created: true });
    const c = await session(writer);
    await c.query("CREATE TABLE orders (id serial PRIMARY KEY, note text)");
    await c.end();
    await cluster.waitForReplay();
  });

  afterAll(async () => {
    await cluster?.close();
  });

  describe("ensureAppRole", () => {
    it("gives the app role its own tables and nothing of the master's: no CREATEROLE, no signalling", async () => {
      expect(await ensureAppRole(writer)).toEqual({ created: false }); // idempotent
      const c = await session(writer);
      const r = await c.query(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signal FROM pg_roles WHERE rolname = current_user",
      );
      await expect(c.query(`ALTER ROLE ${app.user} NOLOGIN`)).rejects.toMatchObject({ code: "42501" });
      await c.query("INSERT INTO legacy (note) VALUES ('the master created this table')");
      await c.end();
      expect(r.rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, signal: false });
    });

    it("refuses a read replica: the role is made on the writer and reaches replicas through the WAL", async () => {
      await expect(ensureAppRole(standby)).rejects.toThrow(/is a read replica/);
    });

    it("refuses the master user as the app's role: it could lift any fence", async () => {
      await expect(ensureAppRole({ ...writer, app: master })).rejects.toThrow(AppRoleError);
    });
  });

  describe("fenceWrites", () => {
    it("an app session that asks for SET TRANSACTION READ WRITE, or reconnects, cannot write while fenced", async () => {
      const before = await session(writer);
      await before.query("INSERT INTO orders (note) VALUES ('before the fence')");

      const fence = await fenceWrites(writer);

      expect(fence.ended).toBe(1);
      expect(fence.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      await expect(before.query("SELECT 1")).rejects.toThrow(); // the server ended the session
      // a reconnect is refused at login: 28000, which the app answers 503 db_unavailable
      expect(await appWrite(writer, "through the fence")).toMatchObject({ code: "28000" });
      const left = await session(writer, master);
      const n = await left.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1", [
        app.user,
      ]);
      await left.end();
      expect(n.rows[0]).toEqual({ n: 0 });
    });

    it("ensureAppRole does not hand LOGIN back while the fence holds", async () => {
      await expect(ensureAppRole(writer)).rejects.toThrow(/write fence holds it/);
      expect(await acceptsWrites(writer)).toBe(false);
    });

    it("hands back a WAL position the standby reaches, with every write acknowledged before it", async () => {
      await expect
        .poll(async () => (await replayBehind(standby, (await fenceWrites(writer)).lsn)).bytes, {
          timeout: 10_000,
        })
        .toBe(0);
      const c = await session(standby, { user: cluster.user, password: cluster.password });
      const rows = await c.query<{ note: string }>("SELECT note FROM orders");
      await c.end();
      expect(rows.rows.map((r) => r.note)).toEqual(["before the fence"]);
    });

    it("leaves a superuser session (RDS's rdsadmin) alone instead of failing after the fence took", async () => {
      expect(await liftFence(writer)).toBe(true);
      const admin = await rdsadmin();
      await admin.query("BEGIN");
      await admin.query("SELECT txid_current()"); // holds a transaction id: an open write
      try {
        const fence = await fenceWrites(writer);

        expect(fence.otherWriters).toBe(1);
        expect((await admin.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
        expect(await appWrite(writer, "past a skipped superuser")).toMatchObject({ code: "28000" });
      } finally {
        await admin.query("ROLLBACK");
        await admin.end();
      }
    });

    it("lifts the fence when it cannot be observed, and says so", async () => {
      // a wrong app password: the login that observes the fence fails with 28P01, not 28000
      const blind = { ...writer, app: { ...app, password: "not-the-app-password" } };

      const err = await fenceWrites(blind).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(FenceError);
      expect(err).toMatchObject({ lifted: false, message: expect.stringMatching(/did not take/) });
      // the lift ran (ALTER ROLE ... LOGIN) though it could not observe itself: the app logs in again
      expect(await appWrite(writer, "after a lifted fence")).toBeUndefined();
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
    it("clears the fence the WAL carried to the promoted standby, so the app writes there", async () => {
      await fenceWrites(writer);
      await cluster.waitForReplay();
      await cluster.promote();
      // NOLOGIN is a role attribute (a shared catalog row): the promoted standby starts fenced too
      expect(await acceptsWrites(standby)).toBe(false);

      expect(await liftFence(standby)).toBe(true);

      expect(await acceptsWrites(standby)).toBe(true);
      expect(await appWrite(standby, "on the new primary")).toBeUndefined();
    });

    it("undoes the fence on the old writer where a switchover stops before the promotion", async () => {
      expect(await acceptsWrites(writer)).toBe(false);
      expect(await liftFence(writer)).toBe(true);
      expect(await acceptsWrites(writer)).toBe(true);
    });
  });
});
