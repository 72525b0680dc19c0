import type { Capacity, DatabaseState, GroupState, HealthCheckState } from "./ports.js";

/**
 * What each failover step does given the current state of its resource. Every step is idempotent
 * because it first looks, then acts only if the resource is not already where it must be.
 */
export type StepDecision =
  | { action: "act"; detail: string }
  | { action: "skip"; detail: string }
  | { action: "retry-later"; detail: string }
  | { action: "fail"; detail: string };

/** Statuses in which a replica with its source link is being promoted (AWS reboots it during promotion). */
const PROMOTING = new Set(["modifying", "rebooting", "promoting"]);

/**
 * Promote the replica unless it is already standalone or its promotion is under way. AWS refuses to
 * promote while a backup runs (InvalidDBInstanceState), so that case waits for the retry.
 */
export function planPromotion(db: DatabaseState | undefined, id: string): StepDecision {
  if (db === undefined) return { action: "fail", detail: `replica ${id} does not exist` };
  if (!db.sourceId) return { action: "skip", detail: `${id} is already standalone (status ${db.status})` };
  if (db.status === "backing-up") {
    return {
      action: "retry-later",
      detail: `${id} is backing up; AWS refuses promotion until the backup ends`,
    };
  }
  if (PROMOTING.has(db.status)) {
    return { action: "skip", detail: `${id} is ${db.status} with its source link: promotion under way` };
  }
  if (db.status !== "available" && db.status !== "storage-optimization") {
    return { action: "fail", detail: `${id} is ${db.status}; only an available replica can be promoted` };
  }
  return { action: "act", detail: `promote ${id} (replica of ${db.sourceId})` };
}

/** Scale B's group up to the failover capacity; never scale an already larger group down. */
export function planCapacity(group: GroupState | undefined, name: string, target: Capacity): StepDecision {
  if (group === undefined) {
    return { action: "fail", detail: `auto scaling group ${name} does not exist in the backup region` };
  }
  if (group.desired >= target.desired && group.min >= target.min && group.max >= target.max) {
    return {
      action: "skip",
      detail: `${name} already at min ${group.min} / max ${group.max} / desired ${group.desired}`,
    };
  }
  return {
    action: "act",
    detail: `scale ${name} from ${group.min}/${group.max}/${group.desired} to ${target.min}/${target.max}/${target.desired}`,
  };
}

/** The capacity to request: the configured failover size, never below what the group already has. */
export function scaledCapacity(group: GroupState, target: Capacity): Capacity {
  return {
    min: Math.max(group.min, target.min),
    max: Math.max(group.max, target.max),
    desired: Math.max(group.desired, target.desired),
  };
}

/** Latch P's health check (Disabled + Inverted) unless it already is. */
export function planLatch(check: HealthCheckState | undefined, id: string): StepDecision {
  if (check === undefined) return { action: "fail", detail: `health check ${id} does not exist` };
  if (check.disabled && check.inverted)
    return { action: "skip", detail: `health check ${id} already latched` };
  return { action: "act", detail: `latch health check ${id} (Disabled + Inverted)` };
}
