import type { RegionRole } from "../core/config.js";

/**
 * A bounded load loop that behaves like a user of the app: it resolves "the DNS name" before each
 * request (no client-side caching beyond `resolveCacheMs`), writes orders and reads back the last
 * acknowledged one. Every request is recorded; acknowledged writes form the ledger that the RPO
 * check reads back after the switch.
 */

export interface Target {
  side: RegionRole;
  url: string;
}

export interface RequestRecord {
  at: number;
  op: "write" | "read";
  side: RegionRole;
  status: number;
  ok: boolean;
  ms: number;
  /** The error code or HTTP error body code, for failed requests. */
  error?: string;
}

export interface AckedWrite {
  id: string | number;
  item: string;
  side: RegionRole;
  at: number;
}

export interface LoadStats {
  requests: number;
  ok: number;
  failed: number;
  writesAcked: number;
  bySide: Record<RegionRole, number>;
  /** Failures by status or error code, e.g. { "503 read_only": 4, "ECONNREFUSED": 12 }. */
  failures: Record<string, number>;
}

export interface LoadLoop {
  stop(): Promise<void>;
  /** While paused the loop sends nothing (a planned switchover with writes paused). */
  pause(paused: boolean): void;
  records: RequestRecord[];
  ledger: AckedWrite[];
}

/** Counts a slice of the record (e.g. the requests during the switch). */
export function loadStats(records: RequestRecord[]): LoadStats {
  const stats: LoadStats = {
    requests: records.length,
    ok: 0,
    failed: 0,
    writesAcked: 0,
    bySide: { primary: 0, backup: 0 },
    failures: {},
  };
  for (const r of records) {
    stats.bySide[r.side] += 1;
    if (r.ok) {
      stats.ok += 1;
      if (r.op === "write") stats.writesAcked += 1;
    } else {
      stats.failed += 1;
      const key = r.status ? `${r.status}${r.error ? ` ${r.error}` : ""}` : (r.error ?? "error");
      stats.failures[key] = (stats.failures[key] ?? 0) + 1;
    }
  }
  return stats;
}

async function request(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: unknown; error?: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const code = (body as { error?: { code?: string } })?.error?.code;
    return { status: res.status, body, ...(code ? { error: code } : {}) };
  } catch (err) {
    const e = err as { cause?: { code?: string }; name?: string };
    return { status: 0, body: undefined, error: e.cause?.code ?? e.name ?? "error" };
  }
}

/**
 * Starts the loop: one request every `intervalMs`, alternating a write and a read of the last
 * acknowledged write, until stop(). `resolve` answers which instance "the DNS name" points at.
 */
export function startLoad(
  resolve: () => Promise<Target>,
  options: { intervalMs?: number; tag?: string } = {},
): LoadLoop {
  const intervalMs = options.intervalMs ?? 100;
  const tag = options.tag ?? `load-${Date.now().toString(36)}`;
  const records: RequestRecord[] = [];
  const ledger: AckedWrite[] = [];
  let running = true;
  let paused = false;
  let n = 0;

  const loop = (async () => {
    while (running) {
      const started = Date.now();
      if (!paused) {
        let target: Target | undefined;
        try {
          target = await resolve();
        } catch {
          // the resolver's API did not answer: count it as a failed lookup, not a request
        }
        if (target) {
          const write = n % 2 === 0 || ledger.length === 0;
          n += 1;
          if (write) {
            const item = `${tag}-${n}`;
            const res = await request(`${target.url}/orders`, {
              method: "POST",
              headers: { "content-type": "application/json", "idempotency-key": item },
              body: JSON.stringify({ customer: "drill", item, quantity: 1 }),
            });
            const ok = res.status === 201 || res.status === 200;
            records.push({
              at: started,
              op: "write",
              side: target.side,
              status: res.status,
              ok,
              ms: Date.now() - started,
              ...(res.error ? { error: res.error } : {}),
            });
            const id =
              (res.body as { id?: string | number; order?: { id?: string | number } })?.id ??
              (res.body as { order?: { id?: string | number } })?.order?.id;
            if (ok && id !== undefined) ledger.push({ id, item, side: target.side, at: Date.now() });
          } else {
            const last = ledger[ledger.length - 1] as AckedWrite;
            const res = await request(`${target.url}/orders/${last.id}`, { method: "GET" });
            records.push({
              at: started,
              op: "read",
              side: target.side,
              status: res.status,
              ok: res.status === 200,
              ms: Date.now() - started,
              ...(res.error ? { error: res.error } : {}),
            });
          }
        }
      }
      const wait = intervalMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();

  return {
    records,
    ledger,
    pause: (p) => {
      paused = p;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

export interface LedgerCheck {
  checked: number;
  missing: AckedWrite[];
}

/** Reads every acknowledged write back through `url`: the RPO in practice (missing ones are lost). */
export async function verifyLedger(url: string, writes: AckedWrite[]): Promise<LedgerCheck> {
  const missing: AckedWrite[] = [];
  for (let i = 0; i < writes.length; i += 20) {
    const batch = writes.slice(i, i + 20);
    const found = await Promise.all(
      batch.map(async (w) => {
        const res = await request(`${url}/orders/${w.id}`, { method: "GET" });
        return res.status === 200 && (res.body as { item?: string })?.item === w.item;
      }),
    );
    batch.forEach((w, j) => {
      if (!found[j]) missing.push(w);
    });
  }
  return { checked: writes.length, missing };
}
