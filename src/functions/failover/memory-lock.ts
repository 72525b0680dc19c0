import type { LockRecord } from "./lock-record.js";
import type { LockPort } from "./ports.js";

/**
 * A LockPort in memory with the DynamoDB adapter's conditional semantics, for unit tests and the
 * CLI's dry runs. Each call yields once, so concurrent callers interleave as they would over a network.
 */
export function memoryLockPort(initial?: LockRecord): LockPort & { items: Map<string, LockRecord> } {
  const items = new Map<string, LockRecord>();
  if (initial) items.set(initial.deployment, structuredClone(initial));
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return {
    items,
    async read(deployment) {
      await tick();
      const item = items.get(deployment);
      return item ? structuredClone(item) : undefined;
    },
    async transition(record, expected) {
      await tick();
      const current = items.get(record.deployment);
      const matches =
        expected === undefined
          ? current === undefined
          : current !== undefined &&
            current.state === expected.state &&
            current.attempts === expected.attempts &&
            current.incidentId === expected.incidentId;
      if (!matches) return { won: false };
      items.set(record.deployment, structuredClone(record));
      return { won: true, record };
    },
    async recordStep(deployment, incidentId, step, entry) {
      await tick();
      const current = items.get(deployment);
      if (current?.incidentId !== incidentId) return;
      current.timeline = { ...current.timeline, [step]: structuredClone(entry) };
    },
  };
}
