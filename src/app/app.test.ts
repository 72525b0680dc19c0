import { describe, expect, it } from "vitest";
import { type AppDatabase, buildServer } from "./app.js";
import type { AppConfig } from "./config.js";
import type { DbStatus } from "./database.js";

const config: AppConfig = {
  region: "eu-central-1",
  regionRole: "backup",
  db: {
    host: "db",
    port: 5432,
    name: "app",
    secretArn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf",
    tls: "disable",
  },
  host: "127.0.0.1",
  port: 0,
};

const row = {
  id: "7",
  customer: "ada",
  item: "lamp",
  quantity: 2,
  region: "eu-central-1",
  created_at: new Date("2026-01-01T00:00:00Z"),
};

/** A database whose every query answers `query()`; the calls are recorded. */
function fakeDb(
  query: (sql: string, params: unknown[]) => unknown,
  status: DbStatus = { role: "primary", readOnly: false },
) {
  const calls: { sql: string; params: unknown[] }[] = [];
  const db = {
    status: async () => status,
    ensureSchema: async () => true,
    noteError: () => undefined,
    pool: {
      query: async (sql: string, params: unknown[]) => {
        calls.push({ sql, params });
        return { rows: query(sql, params) };
      },
    },
  } as unknown as AppDatabase;
  return { db, calls };
}

function server(db: AppDatabase, draining = false) {
  return buildServer(config, db, { logger: false, draining: () => draining });
}

function sqlError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("app", () => {
  describe("GET /", () => {
    it("says which region, region role, DB role and build serve", async () => {
      const app = server(fakeDb(() => []).db);
      const res = await app.inject({ method: "GET", url: "/" });
      expect(res.json()).toEqual({
        service: "pilotlight-app",
        region: "eu-central-1",
        regionRole: "backup",
        dbRole: "primary",
        version: "dev",
      });
    });
  });

  describe("GET /health", () => {
    it("answers 503 without the Route 53 match string on a replica", async () => {
      const app = server(fakeDb(() => [], { role: "replica", readOnly: true }).db);
      const res = await app.inject({ method: "GET", url: "/health" });
      expect(res.statusCode).toBe(503);
      expect(res.body).not.toContain('"status":"ok"');
      expect(res.headers["cache-control"]).toBe("no-store");
    });

    it("answers 200 with the match string on a writable primary", async () => {
      const res = await server(fakeDb(() => []).db).inject({ method: "GET", url: "/health" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('"status":"ok"');
    });

    it("closes each connection while draining", async () => {
      const res = await server(fakeDb(() => []).db, true).inject({ method: "GET", url: "/health" });
      expect(res.statusCode).toBe(503);
      expect(res.headers.connection).toBe("close");
    });
  });

  describe("POST /orders", () => {
    it("inserts and answers 201 with the order and its location", async () => {
      // Prepare
      const { db, calls } = fakeDb(() => [row]);
      // Act
      const res = await server(db).inject({
        method: "POST",
        url: "/orders",
        payload: { customer: " ada ", item: "lamp", quantity: 2 },
      });
      // Assess
      expect(res.statusCode).toBe(201);
      expect(res.headers.location).toBe("/orders/7");
      expect(res.json()).toEqual({
        id: 7,
        customer: "ada",
        item: "lamp",
        quantity: 2,
        region: "eu-central-1",
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      expect(calls[0]?.params).toEqual(["ada", "lamp", 2, "eu-central-1", null]);
    });

    it("answers 503 read_only with Retry-After when the DB is a replica (25006)", async () => {
      const { db } = fakeDb(() => {
        throw sqlError("25006", "cannot execute INSERT in a read-only transaction");
      });
      const res = await server(db).inject({
        method: "POST",
        url: "/orders",
        payload: { customer: "ada", item: "lamp", quantity: 2 },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers["retry-after"]).toBe("5");
      expect(res.json()).toMatchObject({ error: { code: "read_only" } });
    });

    it("answers 503 db_unavailable when the DB cannot be reached", async () => {
      const { db } = fakeDb(() => {
        throw new Error("timeout exceeded when trying to connect");
      });
      const res = await server(db).inject({
        method: "POST",
        url: "/orders",
        payload: { customer: "ada", item: "lamp", quantity: 2 },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: "db_unavailable" } });
    });

    it("answers 500 for an error that is not the database's state", async () => {
      const { db } = fakeDb(() => {
        throw sqlError("42703", 'column "x" does not exist');
      });
      const res = await server(db).inject({
        method: "POST",
        url: "/orders",
        payload: { customer: "ada", item: "lamp", quantity: 2 },
      });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain("column");
    });

    it.each([
      [{ customer: "ada", item: "lamp" }, "quantity"],
      [{ customer: "ada", item: "lamp", quantity: 1.5 }, "quantity"],
      [{ customer: "", item: "lamp", quantity: 1 }, "customer"],
      [{ customer: "ada", item: "lamp", quantity: 1, price: 3 }, "(root)"],
    ])("rejects %o with a 400 naming %s", async (payload, field) => {
      const { db, calls } = fakeDb(() => [row]);
      const res = await server(db).inject({ method: "POST", url: "/orders", payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(calls).toHaveLength(0);
    });

    it("rejects a body that is not JSON with 400 and a wrong type with 415", async () => {
      const app = server(fakeDb(() => [row]).db);
      const bad = await app.inject({
        method: "POST",
        url: "/orders",
        headers: { "content-type": "application/json" },
        payload: "{",
      });
      expect(bad.statusCode).toBe(400);
      const text = await app.inject({
        method: "POST",
        url: "/orders",
        headers: { "content-type": "application/xml" },
        payload: "<order/>",
      });
      expect(text.statusCode).toBe(415);
    });
  });

  describe("GET /orders/:id", () => {
    it("answers 404 for an order that does not exist", async () => {
      const res = await server(fakeDb(() => []).db).inject({ method: "GET", url: "/orders/8" });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: "not_found" } });
    });

    it("answers 400 for an id that is not a positive integer", async () => {
      const res = await server(fakeDb(() => []).db).inject({ method: "GET", url: "/orders/-1" });
      expect(res.statusCode).toBe(400);
    });
  });

  describe("GET /orders", () => {
    it("pages with next when the page is full", async () => {
      const { db, calls } = fakeDb(() => [row]);
      const res = await server(db).inject({ method: "GET", url: "/orders?limit=1&before=9" });
      expect(res.json()).toMatchObject({ orders: [{ id: 7 }], next: 7 });
      expect(calls[0]?.params).toEqual(["9", 1]);
    });

    it("rejects an unknown query parameter", async () => {
      const res = await server(fakeDb(() => []).db).inject({ method: "GET", url: "/orders?sort=asc" });
      expect(res.statusCode).toBe(400);
    });
  });
});
