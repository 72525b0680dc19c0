import * as z from "zod";

/**
 * The deployment-config document: one JSON document that Terraform writes to SSM Parameter Store
 * in the backup region (module `config`) and every program reads. Programs take ids and ARNs from
 * nowhere else, so the CLI and the functions keep working while the primary region is down.
 *
 * Keys are camelCase; Terraform builds the same shape with `jsonencode`.
 */
export const CONFIG_VERSION = 1;

const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as eu-west-1");
const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/, "an ARN");
const name = z.string().min(1);
const seconds = z.number().int().nonnegative();
const range = z.object({ best: seconds, typical: seconds, worst: seconds });

/** Minutes since midnight of "hh24:mi". */
const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * RDS's PreferredBackupWindow (PromoteReadReplica, CreateDBInstance): "hh24:mi-hh24:mi" in UTC,
 * at least 30 minutes. null: AWS picks a 30-minute window from the region's 8-hour block.
 */
const backupWindow = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "hh24:mi-hh24:mi in UTC, such as 03:00-03:30")
  .refine(
    (w) => (minuteOfDay(w.slice(6)) - minuteOfDay(w) + 1440) % 1440 >= 30,
    "a backup window of at least 30 minutes",
  );

/** The probe cadences a one-minute invocation divides into (terraform/variables.tf `probe_cadence_seconds`). */
export const PROBE_CADENCES = [10, 15, 20, 30, 60] as const;

const albSchema = z.object({
  arn,
  dnsName: name,
  zoneId: name,
  targetGroupArn: arn,
});

export const RegionRole = z.enum(["primary", "backup"]);
export type RegionRole = z.infer<typeof RegionRole>;

export const DeploymentConfigSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  /** Short name of this deployment; prefix of every resource name and the lock key. */
  // the rule of terraform/variables.tf `deployment`: every name AWS builds from it stays legal
  deployment: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{1,16}[a-z0-9]$/,
      "3 to 18 lowercase letters, digits and dashes, from a letter to a letter or digit",
    )
    .refine((d) => !d.includes("--"), "no two consecutive dashes"),
  /** `automatic` runs the failover on the alarm; `approval` notifies and waits for `pilotlight approve`. */
  mode: z.enum(["automatic", "approval"]),
  primary: z.object({
    region,
    alb: albSchema,
    asg: z.object({ name, desiredCapacity: seconds }),
    db: z.object({ instanceId: name, arn }),
    /** The master user's credentials: the CLI's, for the app role and the write fence; never the app's. */
    secretArn: arn,
    /** The app's own database role's credentials, the only secret the app instances read. */
    appSecretArn: arn,
    artifactBucket: name,
  }),
  backup: z.object({
    region,
    alb: albSchema,
    asg: z.object({
      name,
      /** The size B's group takes on failover (it rests at min = max = desired = 0). */
      failoverCapacity: z.object({ min: seconds, max: seconds, desired: seconds }),
      warmPoolSize: seconds,
    }),
    launchTemplateId: name,
    /** SSM parameter the launch template resolves the AMI from (AL2023 public alias). */
    amiParameter: name,
    /** The cross-region read replica; after a failover, the new primary. */
    db: z.object({
      instanceId: name,
      arn,
      /**
       * Automated backups the promoted replica keeps, in days. Passed to PromoteReadReplica,
       * whose own default is 1; a new primary that a reverse replica will follow needs backups on.
       */
      backupRetentionDays: z.number().int().min(1, "1 to 35 days").max(35, "1 to 35 days"),
      backupWindow: backupWindow.nullable(),
    }),
    /** The replica of the master secret in B. */
    secretArn: arn,
    /** The replica of the app role's secret in B: what B's instances read. */
    appSecretArn: arn,
    artifactBucket: name,
  }),
  dns: z.object({
    zoneId: name,
    recordName: name,
    /** P's endpoint check (the deep /health of P's ALB): the us-east-1 alarm's metric and the guard's Route 53 signal. */
    healthCheckId: name,
    /** The PRIMARY record's CALCULATED check: healthy while the endpoint check and the latch check both are. */
    primaryCheckId: name,
    /**
     * The SECONDARY record's CALCULATED check: healthy while the latch is set (latch.setCheckId) OR
     * B answers (backupHealthCheckId), so a latched B stays the answer whatever B's targets do.
     */
    secondaryCheckId: name,
    /** B's endpoint check: the shallow path of B's ALB (its target group's), 503 while B has no target. */
    backupHealthCheckId: name,
    /**
     * The latch ("standby takes over primary"): an object in a bucket of B that Route 53's health
     * checkers may read, watched by an inverted check. Written by the failover, removed at failback.
     */
    latch: z.object({
      bucket: name,
      key: name,
      /** The inverted HTTPS check of the latch object (the PRIMARY's child). */
      checkId: name,
      /** The same object's check, not inverted (the SECONDARY's child): healthy while the latch is set. */
      setCheckId: name,
      /**
       * Digest of the attributes that make Terraform replace the PRIMARY's checks; the failover
       * writes it into the latch object, and a plan that would replace a latched check is refused.
       */
      checksFingerprint: name,
    }),
    /**
     * The failover TXT pair on a health-signal name: PRIMARY (with the endpoint check) answers
     * "primary-healthy", SECONDARY "primary-unhealthy". Asked of the zone's name servers, it is
     * Route 53's verdict on P from its data plane, which answers while us-east-1 is gone.
     */
    healthSignal: z.object({
      name,
      /** The zone's authoritative name servers: host names, or ip:port (local mode). */
      nameServers: z.array(name).min(1),
    }),
    /**
     * The failover TXT pair on a latch-signal name, asked of the same name servers: PRIMARY (with
     * the inverted latch check) answers "latch-open", SECONDARY "latch-holding". Readiness compares
     * it with the latch object: a latch Route 53 does not see has failed open.
     */
    latchSignal: z.object({ name }),
    healthCheck: z.object({
      intervalSeconds: z.union([z.literal(10), z.literal(30)]),
      failureThreshold: z.number().int().min(1).max(10),
      resourcePath: name,
    }),
    /** CloudWatch alarm on AWS/Route53 HealthCheckStatus; lives in us-east-1 with its topic. */
    alarm: z.object({
      name,
      region: z.literal("us-east-1"),
      topicArn: arn,
      evaluationPeriods: z.number().int().min(1),
      periodSeconds: z.literal(60),
    }),
    ttlSeconds: seconds,
  }),
  failover: z.object({
    functionName: name,
    lockTableName: name,
    opsTopicArn: arn,
    readinessFunctionName: name,
    /**
     * How long the guard holds while P's own API reports an in-region recovery (a Multi-AZ
     * failover, maintenance, an upgrade), counted from the trigger's alarm time.
     */
    holdMaxSeconds: seconds,
    /** The timeout of each best-effort call to us-east-1 or to P: it may add information, never block. */
    bestEffortTimeoutMs: z.number().int().min(500).max(10_000),
  }),
  /** Detection from B: the probe function, on a one-minute schedule, and its alarm in B. */
  probe: z.object({
    functionName: name,
    scheduleSeconds: z.literal(60),
    /** Seconds between two checks of P inside one invocation (a divisor of its minute). */
    cadenceSeconds: z.union(PROBE_CADENCES.map((c) => z.literal(c))),
    /** Consecutive failed checks after which the probe notifies the failover function directly. */
    failureCount: z.number().int().min(1).max(10),
    /**
     * What the probe (and the guard) GET from B: P's ALB and the deep /health, as P's endpoint
     * check asks it, with its search string.
     */
    target: z.object({ url: z.string().url(), searchString: z.string().optional() }),
    /** Each probe request's timeout (P's /health, the health-signal TXT query). */
    timeoutMs: z.number().int().min(500).max(10_000),
    /** The alarm on the probe's metric; notifies the failover function through the topic in B. */
    alarm: z.object({
      name,
      region,
      topicArn: arn,
      evaluationPeriods: z.number().int().min(1).max(10),
      periodSeconds: z.literal(60),
    }),
  }),
  thresholds: z.object({
    /** Replica lag above this is a readiness failure (the RPO bound). */
    replicaLagSecondsMax: seconds,
    /** The recovery-time objective the worst case must stay under. */
    rtoTargetSeconds: seconds,
  }),
  /** Inputs of the recovery-time model (src/core/rto.ts) that are not read from elsewhere. */
  rto: z.object({
    metricDelaySeconds: range,
    decideSeconds: range,
    promoteSeconds: range,
    instanceLaunchSeconds: range,
    warmPoolLaunchSeconds: range,
    appStartSeconds: range,
    targetHealthyThreshold: z.number().int().min(2).max(10),
    targetIntervalSeconds: z.number().int().min(5).max(300),
    resolverCacheSeconds: range,
  }),
});

export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;

/** Raised when a document does not match the contract; the message names each wrong field. */
export class DeploymentConfigError extends Error {
  override readonly name = "DeploymentConfigError";
  constructor(
    message: string,
    readonly issues: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Parses and validates a deployment-config document (a JSON string or an already parsed value).
 * @example parseDeploymentConfig(parameter.Value, "SSM /pilotlight/demo/config")
 */
export function parseDeploymentConfig(input: unknown, source = "deployment config"): DeploymentConfig {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (cause) {
      throw new DeploymentConfigError(
        `${source} is not JSON: ${(cause as Error).message}. Re-run terraform apply to rewrite it.`,
        [],
        { cause },
      );
    }
  }
  if (value !== null && typeof value === "object" && "version" in value && value.version !== CONFIG_VERSION) {
    throw new DeploymentConfigError(
      `${source} has version ${JSON.stringify(value.version)}, this pilotlight reads version ${CONFIG_VERSION}. ` +
        "Upgrade pilotlight or re-apply the Terraform of the same release.",
    );
  }
  const result = DeploymentConfigSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new DeploymentConfigError(
      `${source} does not match the deployment-config schema v${CONFIG_VERSION}:\n  ${issues.join("\n  ")}\n` +
        "Re-run terraform apply with this release of pilotlight to rewrite it.",
      issues,
    );
  }
  return result.data;
}
