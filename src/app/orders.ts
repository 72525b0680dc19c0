import type { FastifyInstance } from "fastify";
import type pg from "pg";
import * as z from "zod";

/** The sample resource: orders written to the region's database. */

export const NewOrder = z.strictObject({
  customer: z.string().trim().min(1).max(200),
  item: z.string().trim().min(1).max(200),
  quantity: z.number().int().min(1).max(10_000),
});

const OrderId = z.strictObject({ id: z.string().regex(/^[1-9]\d{0,17}$/, "a positive integer") });

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Only orders with a smaller id: pass the previous page's `next`. */
  before: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, "a positive integer")
    .optional(),
});

const IdempotencyKey = z.string().min(1).max(200);

interface OrderRow {
  id: string;
  customer: string;
  item: string;
  quantity: number;
  region: string;
  created_at: Date;
}

const COLUMNS = "id, customer, item, quantity, region, created_at";

function toOrder(row: OrderRow) {
  return {
    id: Number(row.id),
    customer: row.customer,
    item: row.item,
    quantity: row.quantity,
    region: row.region,
    createdAt: row.created_at.toISOString(),
  };
}

/** A 400 whose body lists every invalid field. */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    message: string,
    readonly details: { field: string; problem: string }[],
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InputError(
    `invalid ${what}`,
    result.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", problem: i.message })),
  );
}

/** The one pool method the routes use. */
export type OrdersPool = Pick<pg.Pool, "query">;

export function registerOrders(app: FastifyInstance, pool: OrdersPool, region: string): void {
  app.post("/orders", async (request, reply) => {
    const order = parse(NewOrder, request.body, "order");
    const header = request.headers["idempotency-key"];
    const key = header === undefined ? null : parse(IdempotencyKey, header, "Idempotency-Key header");
    // One statement, autocommit: the reply is sent only after the commit returned.
    const { rows } = await pool.query<OrderRow>(
      `INSERT INTO orders (customer, item, quantity, region, idempotency_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [order.customer, order.item, order.quantity, region, key],
    );
    const created = rows[0];
    if (created) return reply.code(201).header("location", `/orders/${created.id}`).send(toOrder(created));
    // A retry of a write that was committed: answer with the original order.
    const existing = await pool.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE idempotency_key = $1`, [
      key,
    ]);
    const row = existing.rows[0];
    if (!row) throw new Error("idempotent insert found neither a new nor an existing order");
    return reply.code(200).header("location", `/orders/${row.id}`).send(toOrder(row));
  });

  app.get("/orders", async (request) => {
    const q = parse(ListQuery, request.query, "query");
    const { rows } = await pool.query<OrderRow>(
      `SELECT ${COLUMNS} FROM orders WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [q.before ?? null, q.limit],
    );
    const last = rows.at(-1);
    return { orders: rows.map(toOrder), next: rows.length === q.limit && last ? Number(last.id) : null };
  });

  app.get("/orders/:id", async (request, reply) => {
    const { id } = parse(OrderId, request.params, "order id");
    const { rows } = await pool.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
    const row = rows[0];
    if (!row) return reply.code(404).send({ error: { code: "not_found", message: `no order ${id}` } });
    return toOrder(row);
  });
}
