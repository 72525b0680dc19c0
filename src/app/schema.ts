import type pg from "pg";

/**
 * The schema, as numbered migrations applied in order. Each runs in one transaction under an
 * advisory lock, so instances starting together (or a promotion seen by several) migrate once.
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer text NOT NULL,
        item text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        region text NOT NULL,
        idempotency_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
  },
];

// Any constant; it only has to be the same in every instance of the app.
const MIGRATION_LOCK = 7_305_114;

/** Applies the migrations this database lacks; returns the versions it applied. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS pilotlight_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM pilotlight_schema");
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO pilotlight_schema (version) VALUES ($1)", [m.version]);
      applied.push(m.version);
    }
    await client.query("COMMIT");
    client.release();
    return applied;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release(err as Error);
    throw err;
  }
}
