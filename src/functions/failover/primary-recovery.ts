import type { DatabaseEvent } from "../shared/ports.js";

/**
 * Whether P's own RDS API reports an in-region recovery under way, as AWS documents it. Pure: the
 * guard's signal gatherer reads P's DescribeDBInstances and DescribeEvents and asks these.
 */

/**
 * DB instance statuses during which RDS itself is bringing P's database back or changing it in
 * place, with the database unavailable for a while ("Viewing instance status", Amazon RDS User
 * Guide): rebooting (a customer request or an RDS process), modifying (a customer change such as
 * the instance class), upgrading (the engine version), maintenance (an instance-level update RDS
 * scheduled), starting. Not here: backing-up (the instance stays available), storage-optimization
 * ("fully operational"), and the states no waiting mends (failed, storage-full, incompatible-*,
 * inaccessible-encryption-credentials, stopped): P will not come back by itself, fail over.
 */
export const RECOVERY_STATUSES: readonly string[] = [
  "rebooting",
  "modifying",
  "upgrading",
  "maintenance",
  "starting",
];

interface RecoveryEvent {
  ids: string;
  phase: "start" | "end";
  /** Events of one kind pair up: the latest of a kind says whether it is under way. */
  kind: string;
  pattern: RegExp;
}

/**
 * The DB instance events that open and close an in-region recovery ("Amazon RDS event categories
 * and event messages", DB instance events). DescribeEvents returns each event's message and
 * categories, not its ID, so they are matched by message; each pattern covers the table's
 * description and the shorter message RDS sends. Ends come first: "Finished applying off-line
 * patches" also contains the start's words.
 */
export const RECOVERY_EVENTS: readonly RecoveryEvent[] = [
  {
    ids: "RDS-EVENT-0015/0049",
    phase: "end",
    kind: "Multi-AZ failover",
    pattern: /multi-az (instance )?failover.*\bcomplete/i,
  },
  {
    ids: "RDS-EVENT-0013",
    phase: "start",
    kind: "Multi-AZ failover",
    pattern: /multi-az (instance )?failover.*\bstarted/i,
  },
  {
    ids: "RDS-EVENT-0051",
    phase: "end",
    kind: "Multi-AZ activation",
    pattern: /multi-az (instance )?activation.*\bcomplete/i,
  },
  {
    ids: "RDS-EVENT-0050",
    phase: "start",
    kind: "Multi-AZ activation",
    pattern: /multi-az (instance )?activation.*\bstarted/i,
  },
  {
    ids: "RDS-EVENT-0021",
    phase: "end",
    kind: "instance recovery",
    pattern: /recovery of the db instance is complete/i,
  },
  {
    ids: "RDS-EVENT-0020",
    phase: "start",
    kind: "instance recovery",
    pattern: /recovery of the db instance has started/i,
  },
  {
    ids: "RDS-EVENT-0053",
    phase: "end",
    kind: "Multi-AZ instance recovery",
    pattern: /recovery of the multi-az instance is complete/i,
  },
  {
    ids: "RDS-EVENT-0052",
    phase: "start",
    kind: "Multi-AZ instance recovery",
    pattern: /recovery of the multi-az instance has started/i,
  },
  {
    ids: "RDS-EVENT-0027",
    phase: "end",
    kind: "offline maintenance",
    pattern: /offline maintenance of the db instance is complete|finished applying off-line patches/i,
  },
  {
    ids: "RDS-EVENT-0026",
    phase: "start",
    kind: "offline maintenance",
    pattern: /offline maintenance of the db instance is taking place|applying off-line patches/i,
  },
];

export interface RecoveryReading {
  recovering: boolean;
  /** What P's API showed, in words. */
  detail: string;
}

/**
 * An in-region recovery is under way when P's status is one of RECOVERY_STATUSES, or when the
 * latest event of a recovery kind is its start (a Multi-AZ failover started without a later
 * "completed"). `status` undefined: DescribeDBInstances did not answer.
 *
 * @example inRegionRecovery("available", [{ date, message: "Multi-AZ instance failover started.", categories: ["failover"] }])
 *   // { recovering: true, detail: "Multi-AZ failover started at ... (RDS-EVENT-0013), not completed" }
 */
export function inRegionRecovery(
  status: string | undefined,
  events: readonly DatabaseEvent[],
): RecoveryReading {
  const latest = new Map<string, { event: DatabaseEvent; rule: RecoveryEvent }>();
  for (const event of [...events].sort((a, b) => a.date.localeCompare(b.date))) {
    const rule = RECOVERY_EVENTS.find((r) => r.pattern.test(event.message));
    if (rule) latest.set(rule.kind, { event, rule });
  }
  const underWay = [...latest.values()].filter((l) => l.rule.phase === "start");
  const reasons = [
    ...(status !== undefined && RECOVERY_STATUSES.includes(status) ? [`status ${status}`] : []),
    ...underWay.map((l) => `${l.rule.kind} started at ${l.event.date} (${l.rule.ids}), not completed`),
  ];
  if (reasons.length) return { recovering: true, detail: reasons.join("; ") };
  const ended = [...latest.values()].map((l) => `${l.rule.kind} completed at ${l.event.date}`);
  return {
    recovering: false,
    detail: [status === undefined ? "status unknown" : `status ${status}`, ...ended].join("; "),
  };
}
