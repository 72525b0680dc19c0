import type { HealthSignalReading } from "../../aws/health-signal.js";
import type { ProbeResult, ProbeTarget } from "./http-probe.js";
import type { LockRecord, StepName, StepRecord } from "./lock-record.js";

/**
 * The narrow AWS-facing interfaces of the failover sequence. The sequence and the readiness checks
 * only talk to these; src/functions/shared/aws-ports.ts implements them with SDK v3 clients, and
 * tests hand in fakes or clients stubbed with aws-sdk-client-mock.
 */

/**
 * A database's role, status and replication as DescribeDBInstances reports them: B's replica for the
 * failover and readiness, either region's database for the CLI's `status` and `failback`.
 */
export interface DatabaseState {
  id: string;
  /** DBInstanceStatus: available, backing-up, modifying, rebooting, ... */
  status: string;
  /** ReadReplicaSourceDBInstanceIdentifier; absent once the instance is standalone. */
  sourceId?: string;
  /** StatusInfos "read replication" status: replicating, error, stopped, terminated. */
  replicationStatus?: string;
}

/** What the promoted replica keeps as a primary: automated backups (PromoteReadReplica's default is 1 day). */
export interface PromotionSettings {
  backupRetentionDays: number;
  /** hh24:mi-hh24:mi UTC; null: AWS picks one. */
  backupWindow: string | null;
}

export interface DatabasePort {
  describe(id: string): Promise<DatabaseState | undefined>;
  promote(id: string, settings: PromotionSettings): Promise<void>;
  /** Last ReplicaLag datapoint (seconds) of the last 15 minutes, if RDS published any. */
  replicaLagSeconds(id: string): Promise<number | undefined>;
}

export interface Capacity {
  min: number;
  max: number;
  desired: number;
}

export interface GroupState extends Capacity {
  name: string;
  /** Instances whose LifecycleState is InService. */
  inService: number;
  /**
   * Every instance the group lists, whatever its LifecycleState: a group scaled to 0 still lists
   * its instances while they terminate (Terminating, Terminating:Wait, Terminating:Proceed).
   */
  instanceIds: string[];
  arn?: string;
  launchTemplateId?: string;
  launchTemplateVersion?: string;
}

export interface CapacityPort {
  describe(name: string): Promise<GroupState | undefined>;
  scale(name: string, capacity: Capacity): Promise<void>;
}

/** One target of a target group as DescribeTargetHealth reports it. */
export interface TargetState {
  /** The instance id (the target groups of pilotlight's app take instances). */
  id: string;
  /** TargetHealth.State: initial, healthy, unhealthy, unused, draining, unavailable, ... */
  state: string;
}

/** B's target group through Elastic Load Balancing: whether the load balancer sends traffic to B's instances. */
export interface TargetHealthPort {
  describe(targetGroupArn: string): Promise<TargetState[]>;
}

/** One Route 53 checker's last observation (GetHealthCheckStatus). */
export interface HealthObservation {
  region: string;
  /** Raw observation: Route 53 reports "Success: ..." or "Failure: ...", before any inversion. */
  healthy: boolean;
  status: string;
}

export interface HealthCheckState {
  id: string;
  disabled: boolean;
  inverted: boolean;
  resourcePath?: string;
  observations: HealthObservation[];
}

/** A health check through Route 53's API (us-east-1): read only, never in the failover's way. */
export interface HealthCheckPort {
  describe(id: string): Promise<HealthCheckState | undefined>;
}

/** The latch object's body: who latched P out, for which incident, over which checks. */
export interface LatchRecord {
  deployment: string;
  incidentId: string;
  latchedAt: string;
  by: string;
  /** config.dns.latch.checksFingerprint when written: Terraform refuses to replace those checks while it stands. */
  checksFingerprint: string;
}

/**
 * The latch object in B (config.dns.latch): while it exists, the inverted latch check is unhealthy
 * and so is the PRIMARY record's calculated check, whatever P answers. B's data plane only.
 */
export interface LatchPort {
  /** The object as read back; undefined when absent. */
  read(): Promise<LatchRecord | undefined>;
  write(record: LatchRecord): Promise<void>;
  /** Deletes the object; S3 answers 204 also when it is already absent (API_DeleteObject). */
  remove(): Promise<void>;
}

export interface NotifierPort {
  publish(subject: string, message: string): Promise<void>;
}

/** Outcome of a conditional write: `lost` means another invocation changed the record first. */
export type ClaimResult = { won: true; record: LockRecord } | { won: false };

/**
 * The lock table (hash key `deployment`, one item per deployment). Every state change is a
 * conditional write, so concurrent invocations cannot both win. Layout: docs/functions.md.
 */
export interface LockPort {
  read(deployment: string): Promise<LockRecord | undefined>;
  /** Writes `record` if the stored item still has `expected` (state, incident, attempts), or none exists when `expected` is undefined. */
  transition(
    record: LockRecord,
    expected: Pick<LockRecord, "state" | "incidentId" | "attempts"> | undefined,
  ): Promise<ClaimResult>;
  /** Sets one step's entry of the timeline of `incidentId` (no-op write if the incident changed). */
  recordStep(deployment: string, incidentId: string, step: StepName, entry: StepRecord): Promise<void>;
}

/**
 * A drill in progress, written by the CLI's `drill` before it fails P and removed when the
 * drill ends. While it is live (before `expiresAt`) the guard takes P down for a drill and the
 * incident is marked one.
 */
export interface DrillRecord {
  deployment: string;
  startedAt: string;
  /** Who runs the drill (the caller's ARN, or the operator's name). */
  by: string;
  /** A drill whose CLI died leaves its record behind: past this time it no longer counts. */
  expiresAt: string;
}

/** The drill record: a second item of the lock table in B (key `<deployment>#drill`). */
export interface DrillRecordPort {
  read(): Promise<DrillRecord | undefined>;
  write(record: DrillRecord): Promise<void>;
  remove(): Promise<void>;
}

/** What P's own regional RDS API says about P's database (DescribeDBInstances). */
export interface PrimaryDatabaseState {
  id: string;
  /** DBInstanceStatus: available, rebooting, modifying, upgrading, maintenance, ... */
  status: string;
}

/** One RDS event of P's database (DescribeEvents): the API gives the message, not the event ID. */
export interface DatabaseEvent {
  date: string;
  message: string;
  categories: string[];
}

/** P's database through P's own region: best effort, it may add information, never block. */
export interface PrimaryDatabasePort {
  describe(id: string): Promise<PrimaryDatabaseState | undefined>;
  /** The events of DB instance `id` since `since`, oldest first. */
  events(id: string, since: Date): Promise<DatabaseEvent[]>;
}

/**
 * The guard's independent signals (src/functions/failover/signals.ts gathers them). Every client
 * behind these has the short best-effort timeouts: an unreachable region adds no information and
 * holds nothing up.
 */
export interface SignalPorts {
  /** P's endpoint check through Route 53's API (us-east-1). */
  endpointCheck: Pick<HealthCheckPort, "describe">;
  /** Route 53's verdict through its data plane: the health-signal TXT pair (src/aws/health-signal.ts). */
  healthSignal(name: string, nameServers: readonly string[], timeoutMs: number): Promise<HealthSignalReading>;
  /** B's own probe of P's endpoint (src/functions/shared/http-probe.ts). */
  probe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult>;
  primaryDatabase: PrimaryDatabasePort;
  drill: DrillRecordPort;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface FailoverPorts {
  database: DatabasePort;
  capacity: CapacityPort;
  /** B's target group: the capacity step is done when its targets are healthy. */
  targets: TargetHealthPort;
  latch: LatchPort;
  /** P's group through P's own Auto Scaling API, best effort (config.failover.bestEffortTimeoutMs, one attempt): the fence. */
  primaryGroup: CapacityPort;
  lock: LockPort;
  signals: SignalPorts;
  notifier: NotifierPort;
  clock: Clock;
}

/** Real time; tests pass a clock whose sleep returns at once. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
