import type { LatchSignalReading } from "../../aws/health-signal.js";
import type { DeploymentConfig } from "../../core/config.js";
import { deploymentResources, failoverGrants } from "../../core/permissions/index.js";
import type { LockRecord } from "../shared/lock-record.js";
import type { DatabaseState, GroupState, HealthCheckState, LatchRecord } from "../shared/ports.js";
import type { AlarmState, FunctionState, LaunchTemplateState, PermissionCheck } from "./ports.js";

/**
 * The readiness checks as pure verdicts over facts the runner gathers. A standby that cannot
 * take over is found here, on a schedule, rather than during the outage. Every failure says how
 * to fix it.
 */
export const CHECK_NAMES = [
  "replica-exists",
  "replica-replicating",
  "replica-lag",
  "backup-asg",
  "launch-template",
  "ami-parameter",
  "failover-permissions",
  "health-check",
  "latch",
  "latch-holds",
  "latch-policy",
  "alarm",
  "alarm-subscription",
  "capacity-quota",
  "armed",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** `warn`: not proven ready, not known broken (no data yet, an API the emulator lacks). */
export type Verdict = "pass" | "warn" | "fail";

export interface CheckResult {
  name: CheckName;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

const pass = (name: CheckName, detail: string): CheckResult => ({ name, verdict: "pass", detail });
const warn = (name: CheckName, detail: string, fix?: string): CheckResult => ({
  name,
  verdict: "warn",
  detail,
  ...(fix ? { fix } : {}),
});
const fail = (name: CheckName, detail: string, fix: string): CheckResult => ({
  name,
  verdict: "fail",
  detail,
  fix,
});

/** B's replica exists and replicates from P's database (not standalone, not from elsewhere). */
export function replicaExists(db: DatabaseState | undefined, config: DeploymentConfig): CheckResult {
  const id = config.backup.db.instanceId;
  if (!db)
    return fail(
      "replica-exists",
      `replica ${id} does not exist in ${config.backup.region}`,
      "run terraform apply",
    );
  if (!db.sourceId) {
    return fail(
      "replica-exists",
      `${id} is standalone (promoted): B holds the primary database`,
      "after a failover this is expected; rebuild replication with pilotlight failback",
    );
  }
  const source = config.primary.db;
  if (db.sourceId !== source.arn && db.sourceId !== source.instanceId) {
    return fail(
      "replica-exists",
      `${id} replicates from ${db.sourceId}, not ${source.arn}`,
      "re-create the replica from P's database (terraform apply)",
    );
  }
  return pass("replica-exists", `${id} replicates from ${db.sourceId}`);
}

/** Replication is running now: a stopped or broken replica cannot take over with recent data. */
export function replicaReplicating(db: DatabaseState | undefined): CheckResult {
  if (!db?.sourceId) return fail("replica-replicating", "no replica", "see replica-exists");
  if (db.status !== "available") {
    return db.status === "backing-up"
      ? warn("replica-replicating", `${db.id} is backing up (a promotion now would wait for it)`)
      : fail("replica-replicating", `${db.id} is ${db.status}`, "check the RDS events of the replica");
  }
  if (db.replicationStatus === undefined) {
    return warn("replica-replicating", `${db.id} is available; RDS reports no read-replication status`);
  }
  if (db.replicationStatus !== "replicating") {
    return fail(
      "replica-replicating",
      `replication to ${db.id} is ${db.replicationStatus}`,
      "check the replica's RDS events; if replication is terminated, re-create the replica (terraform apply -replace)",
    );
  }
  return pass("replica-replicating", `${db.id} is available and replicating`);
}

/** The last replica lag against the RPO bound. */
export function replicaLag(lagSeconds: number | undefined, boundSeconds: number): CheckResult {
  if (lagSeconds === undefined) {
    return warn(
      "replica-lag",
      "no ReplicaLag datapoint in the last 15 minutes (the emulator publishes none)",
      "check that the replica publishes AWS/RDS ReplicaLag",
    );
  }
  if (lagSeconds > boundSeconds) {
    return fail(
      "replica-lag",
      `replica lag ${lagSeconds} s exceeds the RPO bound ${boundSeconds} s`,
      "look for long transactions or write bursts on P; size the replica like the primary",
    );
  }
  return pass("replica-lag", `replica lag ${lagSeconds} s (bound ${boundSeconds} s)`);
}

/** B's group exists and launches from the configured template. */
export function backupGroup(group: GroupState | undefined, config: DeploymentConfig): CheckResult {
  const name = config.backup.asg.name;
  if (!group)
    return fail(
      "backup-asg",
      `auto scaling group ${name} does not exist in ${config.backup.region}`,
      "run terraform apply",
    );
  if (group.launchTemplateId !== config.backup.launchTemplateId) {
    return fail(
      "backup-asg",
      `${name} launches from ${group.launchTemplateId ?? "no launch template"}, not ${config.backup.launchTemplateId}`,
      "run terraform apply to restore the group's launch template",
    );
  }
  return pass(
    "backup-asg",
    `${name} at ${group.min}/${group.max}/${group.desired}, launch template ${group.launchTemplateId}`,
  );
}

/** The template resolves its AMI from the configured SSM alias (a pinned AMI ages and is regional). */
export function launchTemplate(
  template: LaunchTemplateState | undefined,
  config: DeploymentConfig,
): CheckResult {
  const id = config.backup.launchTemplateId;
  if (!template)
    return fail(
      "launch-template",
      `launch template ${id} (or its version) does not exist`,
      "run terraform apply",
    );
  if (!template.imageId)
    return fail("launch-template", `${id} v${template.version} names no AMI`, "run terraform apply");
  const wanted = `resolve:ssm:${config.backup.amiParameter}`;
  if (template.imageId.startsWith("resolve:ssm:") && template.imageId !== wanted) {
    return fail(
      "launch-template",
      `${id} resolves its AMI from ${template.imageId}, not ${wanted}`,
      "run terraform apply",
    );
  }
  if (!template.imageId.startsWith("resolve:ssm:")) {
    return warn(
      "launch-template",
      `${id} v${template.version} pins AMI ${template.imageId}; AMIs are regional and get deprecated`,
      `resolve the AMI from ${wanted}`,
    );
  }
  return pass(
    "launch-template",
    `${id} v${template.version} resolves its AMI from ${config.backup.amiParameter}`,
  );
}

/** The AMI alias resolves in B, or no instance can launch there. */
export function amiParameter(value: string | undefined, name: string): CheckResult {
  if (!value)
    return fail(
      "ami-parameter",
      `SSM parameter ${name} does not resolve in the backup region`,
      "use a public AMI alias that exists in B",
    );
  return pass("ami-parameter", `${name} resolves to ${value}`);
}

/**
 * What the failover function must be allowed to do, on which resource: every grant of its
 * permissions source that an SDK call of the function uses (the others are the runtime's).
 */
export function requiredFailoverPermissions(config: DeploymentConfig, groupArn?: string): PermissionCheck[] {
  const arns: Record<string, string[]> = {
    ...deploymentResources(config, { backupAsgArn: groupArn }),
    "*": ["*"],
  };
  // the groups' ARNs carry a UUID: unknown until a group is found, the simulation asks for any
  // (P's group, the fence's, is not looked up: P's region may be the one that is gone)
  arns.backup_asg ??= ["*"];
  arns.primary_asg ??= ["*"];
  return failoverGrants
    .filter((g) => g.why === undefined && g.condition === undefined)
    .flatMap((g) => {
      const resource = arns[g.resource]?.[0];
      if (resource === undefined)
        throw new Error(`failover grant ${g.sid} names unknown resource ${g.resource}`);
      return g.actions.map((action) => ({ action, resource }));
    });
}

/** The failover function's role may do every step (IAM policy simulation). */
export function failoverPermissions(
  fn: FunctionState | undefined,
  denied: Array<PermissionCheck & { decision: string }>,
  config: DeploymentConfig,
): CheckResult {
  if (!fn?.roleArn) {
    return fail(
      "failover-permissions",
      `function ${config.failover.functionName} or its role not found`,
      "run terraform apply",
    );
  }
  if (denied.length > 0) {
    return fail(
      "failover-permissions",
      `${fn.roleArn} is not allowed: ${denied.map((d) => `${d.action} on ${d.resource} (${d.decision})`).join(", ")}`,
      "grant these actions in the failover module's role policy (terraform/modules/failover) and apply",
    );
  }
  return pass("failover-permissions", `${fn.roleArn} may run every failover step`);
}

/**
 * The latch object in B is absent: while it exists, Route 53 keeps P out of DNS whatever P answers
 * (the PRIMARY record's calculated check), and a second failover has nothing left to do.
 */
export function latch(record: LatchRecord | undefined, config: DeploymentConfig): CheckResult {
  const where = `s3://${config.dns.latch.bucket}/${config.dns.latch.key}`;
  if (record === undefined)
    return pass("latch", `latch object ${where} absent: the PRIMARY record follows P's endpoint check`);
  const who = [
    record.incidentId && `incident ${record.incidentId}`,
    record.latchedAt && `at ${record.latchedAt}`,
    record.by && `by ${record.by}`,
  ].filter(Boolean);
  return fail(
    "latch",
    `latch object ${where} is set${who.length ? ` (${who.join(", ")})` : ""}: DNS stays on B whatever P answers`,
    "expected after a failover; pilotlight failback removes it once P is rebuilt",
  );
}

const LATCH_FIX =
  "check S3 in the backup region (the checkers GET the object anonymously) and that the latch bucket policy still allows every ROUTE53_HEALTHCHECKS range of ip-ranges.json (terraform apply refreshes it); until then the fence (P's group at 0) is the only line";

/**
 * The latch as Route 53 routes on it: the latch-signal pair's answer from its data plane, against
 * the latch object. The latch holds only while more than 18% of the checkers can read the object;
 * an S3 outage in B or checkers from ranges the bucket policy no longer allows turn the inverted
 * check healthy, and then P's endpoint check alone decides the PRIMARY again.
 */
export function latchHolds(
  record: LatchRecord | undefined,
  signal: LatchSignalReading,
  config: DeploymentConfig,
): CheckResult {
  const where = `s3://${config.dns.latch.bucket}/${config.dns.latch.key}`;
  const name = config.dns.latchSignal.name;
  if (!signal.verdict) {
    return warn(
      "latch-holds",
      `Route 53's verdict on the latch check is unknown: ${signal.detail}`,
      `check that ${name} is a failover TXT pair of the zone (terraform apply) and that its name servers answer from the backup region`,
    );
  }
  if (record && signal.verdict === "open") {
    return fail(
      "latch-holds",
      `the latch does not hold: ${where} is set but ${signal.detail} (Route 53's checkers do not read it)`,
      LATCH_FIX,
    );
  }
  if (!record && signal.verdict === "holding") {
    return warn(
      "latch-holds",
      `${where} is absent but ${signal.detail}: P stays out of DNS until the checkers see it gone (about one check interval)`,
      "run readiness again in a minute; if it persists, check the latch health check in Route 53",
    );
  }
  return pass(
    "latch-holds",
    record
      ? `Route 53 sees the latch: ${signal.detail}`
      : `no latch, and Route 53 sees none: ${signal.detail}`,
  );
}

/**
 * The latch bucket policy's checker ranges against those AWS publishes: the policy is frozen at
 * apply, so a range Route 53 added since reads 403 and, once enough checkers use it, the latch no
 * longer holds. `published` is an error message when ip-ranges.json could not be fetched.
 */
export function latchPolicy(
  policyCidrs: readonly string[] | undefined,
  published: readonly string[] | string,
  config: DeploymentConfig,
): CheckResult {
  const bucket = config.dns.latch.bucket;
  const reapply =
    "run terraform apply: terraform/modules/latch reads the ranges with the aws_ip_ranges data source (route53_healthchecks) at plan time and writes them into the policy";
  if (!policyCidrs) {
    return fail(
      "latch-policy",
      `the latch bucket ${bucket} has no bucket policy: Route 53's checkers cannot read the latch, so it never holds`,
      reapply,
    );
  }
  if (typeof published === "string") {
    return warn("latch-policy", `could not compare the checker ranges: ip-ranges.json: ${published}`);
  }
  const allowed = new Set(policyCidrs);
  const missing = published.filter((cidr) => !allowed.has(cidr));
  if (missing.length > 0) {
    return fail(
      "latch-policy",
      `the latch bucket policy misses ${missing.length} of Route 53's ${published.length} published checker ranges (${missing.join(", ")}): checkers there read 403 and the latch may not hold`,
      reapply,
    );
  }
  return pass(
    "latch-policy",
    `the latch bucket policy allows all ${published.length} published checker ranges`,
  );
}

/** P's endpoint check is in its normal state: enabled, not inverted (pilotlight never inverts it), right path. */
export function healthCheck(check: HealthCheckState | undefined, config: DeploymentConfig): CheckResult {
  const id = config.dns.healthCheckId;
  if (!check) return fail("health-check", `health check ${id} does not exist`, "run terraform apply");
  if (check.inverted) {
    return fail(
      "health-check",
      `health check ${id} is inverted: Route 53 reads P healthy when it fails and the failover refuses to act on it; pilotlight never inverts it (a drill fails P for real)`,
      "set it back (Inverted=false: terraform apply, or UpdateHealthCheck by whoever inverted it)",
    );
  }
  if (check.disabled) {
    return fail(
      "health-check",
      `health check ${id} is disabled: Route 53 treats P as healthy whatever happens`,
      "enable it (terraform apply)",
    );
  }
  const path = config.dns.healthCheck.resourcePath;
  if (check.resourcePath !== undefined && check.resourcePath !== path) {
    return fail(
      "health-check",
      `health check ${id} probes ${check.resourcePath}, not ${path}`,
      "run terraform apply",
    );
  }
  return pass("health-check", `health check ${id} probes ${path}, enabled, not inverted`);
}

/** The alarm watches P's health check and notifies the topic the function is subscribed to. */
export function alarm(state: AlarmState | undefined, config: DeploymentConfig): CheckResult {
  const want = config.dns.alarm;
  if (!state)
    return fail(
      "alarm",
      `alarm ${want.name} does not exist in us-east-1`,
      "run terraform apply (local mode: the harness creates it)",
    );
  const problems: string[] = [];
  if (state.namespace !== "AWS/Route53" || state.metricName !== "HealthCheckStatus") {
    problems.push(`watches ${state.namespace}/${state.metricName}, not AWS/Route53/HealthCheckStatus`);
  }
  const dim = state.dimensions.find((d) => d.name === "HealthCheckId")?.value;
  if (dim !== config.dns.healthCheckId)
    problems.push(`watches health check ${dim ?? "(none)"}, not ${config.dns.healthCheckId}`);
  if (!state.actions.includes(want.topicArn)) problems.push(`does not notify ${want.topicArn}`);
  if (!state.actionsEnabled) problems.push("has its actions disabled");
  if (problems.length > 0)
    return fail("alarm", `alarm ${want.name} ${problems.join("; ")}`, "run terraform apply");
  return pass(
    "alarm",
    `alarm ${want.name} watches health check ${dim} and notifies ${want.topicArn} (state ${state.state})`,
  );
}

/** The failover function is subscribed to the alarm topic, or the alarm reaches nobody. */
export function alarmSubscription(
  subscriptions: Array<{ protocol: string; endpoint: string }>,
  fn: FunctionState | undefined,
  config: DeploymentConfig,
): CheckResult {
  const topic = config.dns.alarm.topicArn;
  const name = config.failover.functionName;
  const subscribed = subscriptions.some(
    (s) => s.protocol === "lambda" && (s.endpoint === fn?.arn || s.endpoint.endsWith(`:function:${name}`)),
  );
  if (!subscribed) {
    return fail(
      "alarm-subscription",
      `function ${name} is not subscribed to ${topic}`,
      "run terraform apply (module failover subscribes it)",
    );
  }
  return pass("alarm-subscription", `function ${name} is subscribed to ${topic}`);
}

/** B can launch the failover capacity within its on-demand vCPU quota. */
export function capacityQuota(
  quota: number | undefined,
  vcpus: number | undefined,
  config: DeploymentConfig,
): CheckResult {
  const desired = config.backup.asg.failoverCapacity.desired;
  if (quota === undefined || vcpus === undefined) {
    return warn("capacity-quota", "could not read the EC2 on-demand vCPU quota or the instance type's vCPUs");
  }
  const needed = desired * vcpus;
  if (needed > quota) {
    return fail(
      "capacity-quota",
      `failover needs ${needed} vCPUs (${desired} x ${vcpus}), the on-demand quota in ${config.backup.region} is ${quota}`,
      "request a quota increase for L-1216C47A in the backup region",
    );
  }
  return pass("capacity-quota", `failover needs ${needed} of ${quota} on-demand vCPUs`);
}

/** The failover is armed: an alarm now would act. */
export function armed(record: LockRecord | undefined, seenHealthyNow: boolean): CheckResult {
  const state = record?.state ?? "unarmed";
  if (state === "armed") return pass("armed", `failover armed (P last seen healthy ${record?.armedAt})`);
  if (state === "unarmed") {
    return fail(
      "armed",
      seenHealthyNow
        ? "P is healthy but arming failed"
        : "failover is not armed: P has not been seen healthy",
      "make P's /health answer 200; readiness arms the failover when Route 53 sees P healthy",
    );
  }
  return warn(
    "armed",
    `incident ${record?.incidentId} is ${state}: no new failover until it is closed`,
    "after failback, the CLI closes the incident",
  );
}
