import type { Capacity, DatabaseState, GroupState, LatchRecord, TargetState } from "../shared/ports.js";

/**
 * What each failover step does given the current state of its resource. Every step is idempotent
 * because it first looks, then acts only if the resource is not already where it must be; and it
 * is done only when its effect is observed, never because a call returned.
 *
 * - act: make the call (then look again)
 * - done: the effect is observed
 * - pending: the effect is under way (our own action); a later run looks again
 * - retry-later: nothing can be done now (the resource is busy with something else); retry
 * - fail: a fault a retry will not clear by itself
 */
export type StepDecision =
  | { action: "act"; detail: string }
  | { action: "done"; detail: string }
  | { action: "pending"; detail: string }
  | { action: "retry-later"; detail: string }
  | { action: "fail"; detail: string };

/**
 * DB instance statuses no wait will clear (RDS User Guide, "Viewing Amazon RDS DB instance
 * status"): an operator has to act.
 */
const BROKEN =
  /^(failed|storage-full|stopped|stopping|deleting|insufficient-capacity|restore-error|incompatible-.*|inaccessible-encryption-credentials.*)$/;

/**
 * Promote the replica; the promotion is done when the instance has no source link
 * (ReadReplicaSourceDBInstanceIdentifier) and is available. RDS reboots the replica during a
 * promotion ("modifying", "rebooting"), but a replica in those states with its source link is
 * promoting only if this incident asked for it (`promotionIssued`): otherwise it is busy for its
 * own reasons, and PromoteReadReplica, which accepts only an available replica and never one that
 * is "backing-up" (RDS API reference, PromoteReadReplica), has to be retried.
 */
export function planPromotion(
  db: DatabaseState | undefined,
  id: string,
  promotionIssued = false,
): StepDecision {
  if (db === undefined) return { action: "fail", detail: `replica ${id} does not exist` };
  if (BROKEN.test(db.status)) {
    return {
      action: "fail",
      detail: `${id} is ${db.status}; it cannot become the primary until that is fixed`,
    };
  }
  if (!db.sourceId) {
    return db.status === "available"
      ? { action: "done", detail: `${id} is standalone (no source link) and available` }
      : { action: "pending", detail: `${id} has no source link and is ${db.status}: waiting for available` };
  }
  if (db.status === "backing-up") {
    return {
      action: "retry-later",
      detail: `${id} is backing up; AWS refuses promotion until the backup ends`,
    };
  }
  if (db.status === "available" || db.status === "storage-optimization") {
    return { action: "act", detail: `promote ${id} (replica of ${db.sourceId})` };
  }
  return promotionIssued
    ? { action: "pending", detail: `${id} is ${db.status} with its source link: promotion under way` }
    : {
        action: "retry-later",
        detail: `${id} is ${db.status} for its own reasons (not promoting); AWS promotes only an available replica`,
      };
}

/**
 * Scale B's group up to the failover capacity; never scale an already larger group down. Done when
 * the failover's desired count of the group's instances is healthy in B's target group
 * (DescribeTargetHealth State `healthy`): InService is not enough, since an instance is InService
 * before the load balancer's health check has passed ("Health checks for your target groups",
 * Elastic Load Balancing User Guide: a target starts `initial` until it passes
 * HealthyThresholdCount checks), and until then the load balancer routes nothing to it.
 */
export function planCapacity(
  group: GroupState | undefined,
  name: string,
  target: Capacity,
  targets: readonly TargetState[],
): StepDecision {
  if (group === undefined) {
    return { action: "fail", detail: `auto scaling group ${name} does not exist in the backup region` };
  }
  if (group.desired >= target.desired && group.min >= target.min && group.max >= target.max) {
    const sizes = `min ${group.min} / max ${group.max} / desired ${group.desired}`;
    const members = new Set(group.instanceIds);
    const healthy = targets.filter((t) => members.has(t.id) && t.state === "healthy").length;
    return healthy >= target.desired
      ? { action: "done", detail: `${name} at ${sizes}, ${healthy} healthy in B's target group` }
      : {
          action: "pending",
          detail: `${name} at ${sizes}: ${group.inService} InService, ${healthy} of ${target.desired} healthy in B's target group`,
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

/**
 * Fence P: its group to zero, so clients that still resolve P (cached answers, pinned addresses)
 * stop writing to the old database. Done when the group lists no instance at size 0: a group
 * scaled in keeps listing its instances, Terminating, until they are gone (Amazon EC2 Auto Scaling
 * User Guide, "instance lifecycle"), and they serve until then. No such group in P (already
 * replaced, or removed) has nothing to fence.
 */
export function planFence(group: GroupState | undefined, name: string): StepDecision {
  if (group === undefined) return { action: "done", detail: `no group ${name} in P: nothing to fence` };
  if (group.desired !== 0 || group.max !== 0 || group.min !== 0)
    return { action: "act", detail: `scale P's group ${name} from ${group.desired} to 0` };
  const left = group.instanceIds.length;
  return left === 0
    ? { action: "done", detail: `P's group ${name} at 0, no instance listed` }
    : {
        action: "pending",
        detail: `P's group ${name} at 0, ${left} instance(s) still listed (terminating): looked at again on the next run`,
      };
}

/**
 * Write the latch object in B; done when it reads back. An object already there (this incident's,
 * an earlier one's, or written by hand) latches P just the same: Route 53's inverted latch check
 * only sees that it exists, so it is never overwritten.
 */
export function planLatch(latch: LatchRecord | undefined, where: string): StepDecision {
  if (latch === undefined) return { action: "act", detail: `write the latch object ${where}` };
  const by = latch.incidentId ? ` by incident ${latch.incidentId}` : "";
  return { action: "done", detail: `latch object ${where} written${by} at ${latch.latchedAt || "unknown"}` };
}
