import { UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import {
  autoScalingCapacityPort,
  databasePortFor,
  dynamoDbOperationRecordPort,
} from "../../functions/shared/aws-ports.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import {
  beginOperation,
  type OperationRecord,
  type OperationRecordPort,
} from "../../functions/shared/operation-record.js";
import type { DatabaseState, DrillRecordPort, LockPort } from "../../functions/shared/ports.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { OperationProgress } from "../operation-progress.js";
import { endDrillRecord } from "./record.js";

/**
 * The AWS drill's progress record: the lock table's `<deployment>#drill-op` item (beside the
 * guard's `<deployment>#drill`). It outlives the CLI, so `drill --abort` from another terminal, or
 * after a SIGKILL, knows what the drill changed and undoes only that.
 */
export const DRILL_OPERATION = "drill-op";
/** The drill's steps, in order (docs/cli.md, the drill state table). */
export const DRILL_STEPS = ["declare", "fence", "watch", "end"] as const;
/** P's group scaled to 0: `id` the group, `to` the sizes it had (`MinSize=n,DesiredCapacity=n`), recorded before the call. */
export const FENCE_PRIMARY_GROUP = "fence-primary-group";
/** The local drill's failure of P: P's app instance stopped (`id` the side), recorded before the stop. */
export const STOP_PRIMARY_APP = "stop-primary-app";
/** The lock item set from armed to unarmed before P is restored, so that no incident opens while P comes back. */
export const DISARM = "disarm";

/** The drill record's port: B's lock table, through B's DynamoDB. */
export function drillOperationPort(clients: Clients, config: DeploymentConfig): OperationRecordPort {
  return dynamoDbOperationRecordPort(
    clients.dynamoDb(config.backup.region),
    config.failover.lockTableName,
    config.deployment,
    DRILL_OPERATION,
  );
}

export function drillProgress(port: OperationRecordPort, record: OperationRecord, now?: () => number) {
  return new OperationProgress(
    port,
    record,
    "Run `pilotlight drill --abort` to end the drill from what it recorded.",
    now,
  );
}

/**
 * The record a new drill works on. An open one (a drill running elsewhere, or killed) is refused:
 * `drill --abort` ends it first. For a drill, `incidentId` names the drill itself and
 * `incidentCompletedAt` the armed marker it started from (no incident was open then).
 */
export function beginDrill(
  stored: OperationRecord | undefined,
  deployment: string,
  lock: LockRecord | undefined,
  by: string,
  now: number,
): OperationRecord {
  if (stored && !stored.closedAt)
    throw new CliError(
      `a drill of ${deployment} started at ${stored.startedAt} by ${stored.by} is not ended (record ${stored.key}, steps ${Object.keys(stored.steps).join(", ") || "none"}): it is running elsewhere or was killed. Run \`pilotlight drill --abort\` to end it, then drill again.`,
      ExitCode.failed,
    );
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, "").toLowerCase();
  return beginOperation(
    stored,
    deployment,
    DRILL_OPERATION,
    {
      incidentId: `drill-${stamp}`,
      completedAt: lock?.armedAt ?? lock?.updatedAt ?? new Date(now).toISOString(),
    },
    by,
    stamp,
    now,
  ).record;
}

/** P's group's sizes as the fence act records them. */
export interface GroupSizes {
  min: number;
  desired: number;
}

export const sizesAct = (s: GroupSizes) => `MinSize=${s.min},DesiredCapacity=${s.desired}`;

function sizesOf(to: string | undefined): GroupSizes {
  const m = /^MinSize=(\d+),DesiredCapacity=(\d+)$/.exec(to ?? "");
  if (!m)
    throw new CliError(`the drill record's ${FENCE_PRIMARY_GROUP} act reads "${to}": not P's group's sizes`);
  return { min: Number(m[1]), desired: Number(m[2]) };
}

/** How a drill ends, from its record, the lock item and B's database as they are now. */
export type DrillEnd =
  | { kind: "untouched"; detail: string }
  | { kind: "restore"; sizes?: GroupSizes; disarm: boolean }
  | { kind: "failover-owns"; detail: string };

/**
 * P comes back only if no incident opened since the drill started (the lock item armed, or
 * unarmed by this drill's own disarm) and B's database is still a replica: otherwise P's app would
 * write to a database the failover is leaving behind. Pure.
 */
export function drillEndDecision(
  record: OperationRecord,
  lock: LockRecord | undefined,
  replica: DatabaseState | undefined,
): DrillEnd {
  // the AWS drill scales P's group to 0, the local one stops P's app instance
  const fence = record.acts[FENCE_PRIMARY_GROUP] ?? record.acts[STOP_PRIMARY_APP];
  if (!fence) return { kind: "untouched", detail: "P was not fenced: nothing to restore" };
  const state = lock?.state ?? "unarmed";
  if (state !== "armed" && state !== "unarmed")
    return {
      kind: "failover-owns",
      detail: `incident ${lock?.incidentId} opened since the drill started (${state})`,
    };
  if (!replica?.sourceId)
    return {
      kind: "failover-owns",
      detail: `${replica?.id ?? "B's database"} is ${replica ? "standalone" : "missing"}, not a replica of P`,
    };
  const disarm = state === "armed";
  return record.acts[FENCE_PRIMARY_GROUP]
    ? { kind: "restore", sizes: sizesOf(fence.to), disarm }
    : { kind: "restore", disarm };
}

export interface DrillEndEnv {
  clients: Clients;
  config: DeploymentConfig;
  lock: LockPort;
  drillRecord: DrillRecordPort;
  progress: OperationProgress;
  log: (message: string) => void;
  now?: () => number;
  /** The local drill's restore of P (its app started, what the harness played undone); says what it did. */
  restoreApp?: () => Promise<string>;
}

/**
 * Ends the drill from its record, whoever calls it (the drill's end, its SIGINT/SIGTERM handler,
 * `drill --abort`): restores P only as `drillEndDecision` allows, removes the guard's drill
 * record, closes the record. Returns what it did, in words.
 */
export async function endDrill(env: DrillEndEnv): Promise<{ end: DrillEnd; message: string }> {
  const { clients, config, lock, progress, log } = env;
  const now = env.now ?? Date.now;
  const B = config.backup;
  await progress.started("end");
  const replica = () => databasePortFor(clients, B.region).describe(B.db.instanceId);
  let stored = await lock.read(config.deployment);
  let end = drillEndDecision(progress.current, stored, await replica());
  if (end.kind === "restore" && end.disarm && stored) {
    // one conditional write: from here no incident can open (entryDecision ignores unarmed) while P
    // comes back; the readiness function re-arms once Route 53 sees P healthy
    await progress.acting(DISARM, { id: config.deployment });
    const won = await lock.transition(
      {
        deployment: config.deployment,
        state: "unarmed",
        attempts: stored.attempts,
        updatedAt: new Date(now()).toISOString(),
      },
      stored,
    );
    if (!won.won) {
      stored = await lock.read(config.deployment);
      end = drillEndDecision(progress.current, stored, await replica());
    }
  }
  let message: string;
  if (end.kind === "restore") {
    const restored = end.sizes ? await restoreGroup(clients, config, end.sizes) : await restoreApp(env);
    message = `no incident opened: ${restored}; the deployment is unarmed until readiness sees P healthy`;
  } else if (end.kind === "failover-owns") {
    message = `${end.detail}: P stays fenced. The failover now has to finish (pilotlight status; approve if it is pending or failed), and pilotlight failback is the way back to P`;
  } else {
    message = end.detail;
  }
  await endDrillRecord(env.drillRecord, config, log);
  await progress.finished("end", "done", message);
  await progress.close();
  log(message);
  return { end, message };
}

/** The AWS drill's restore: P's group back to the sizes the fence recorded, observed. */
async function restoreGroup(clients: Clients, config: DeploymentConfig, sizes: GroupSizes): Promise<string> {
  const P = config.primary;
  await clients.autoScaling(P.region).send(
    new UpdateAutoScalingGroupCommand({
      AutoScalingGroupName: P.asg.name,
      MinSize: sizes.min,
      DesiredCapacity: sizes.desired,
    }),
  );
  // the call's effect: the group asks for its instances again (they take minutes to serve)
  const group = await autoScalingCapacityPort(clients.autoScaling(P.region)).describe(P.asg.name);
  if (group?.desired !== sizes.desired)
    throw new CliError(
      `${P.asg.name} reads DesiredCapacity ${group?.desired} after the restore to ${sizes.desired}; run \`pilotlight drill --abort\` again`,
    );
  return `${P.asg.name} restored to ${sizesAct(sizes)} so that P serves again`;
}

/** The local drill's restore, which only a run that knows the local stack can do. */
async function restoreApp(env: DrillEndEnv): Promise<string> {
  if (!env.restoreApp)
    throw new CliError(
      `the drill record ${env.progress.current.key} stopped P's app instance: end it with \`pilotlight drill --local --abort\` and the drill's --state-dir`,
    );
  return env.restoreApp();
}
