import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { latchPortFor } from "../../functions/shared/aws-ports.js";
import type { LockPort } from "../../functions/shared/ports.js";

/**
 * The milestones of a failover, each observed through the API the way an operator would check
 * it. A probe resolves to the time the milestone was reached (ms), or undefined while it is not.
 */
export type Probe = () => Promise<number | undefined>;

export interface MilestoneProbe {
  name: string;
  source: string;
  probe: Probe;
}

/** The probes every drill watches (AWS and local alike). */
export function apiProbes(
  clients: Clients,
  config: DeploymentConfig,
  lock: LockPort,
  since: number,
): Record<string, MilestoneProbe> {
  const B = config.backup.region;
  const latch = config.dns.latch;
  const latchObject = latchPortFor(clients, config);
  return {
    alarm: {
      name: "alarm in ALARM",
      source: "CloudWatch DescribeAlarms (us-east-1)",
      probe: async () => {
        const out = await clients
          .cloudWatch(config.dns.alarm.region)
          .send(new DescribeAlarmsCommand({ AlarmNames: [config.dns.alarm.name] }));
        const a = out.MetricAlarms?.[0];
        return a?.StateValue === "ALARM"
          ? (a.StateTransitionedTimestamp?.getTime() ?? Date.now())
          : undefined;
      },
    },
    invoked: {
      name: "failover function invoked",
      source: "lock record openedAt",
      probe: async () => {
        const r = await lock.read(config.deployment);
        const opened = r?.openedAt ? Date.parse(r.openedAt) : undefined;
        return opened !== undefined && opened >= since - 1_000 && r?.state !== "unarmed" ? opened : undefined;
      },
    },
    promotionStarted: {
      name: "promotion started",
      source: "lock record timeline (promote actedAt)",
      probe: async () => {
        const r = await lock.read(config.deployment);
        const p = r?.timeline?.promote;
        if (p?.actedAt) return Date.parse(p.actedAt);
        return p?.outcome === "skipped" ? Date.parse(p.finishedAt ?? p.startedAt) : undefined;
      },
    },
    promotionFinished: {
      name: "promotion finished",
      source: "RDS DescribeDBInstances: standalone and available",
      probe: async () => {
        const out = await clients
          .rds(B)
          .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: config.backup.db.instanceId }));
        const db = out.DBInstances?.[0];
        return db && !db.ReadReplicaSourceDBInstanceIdentifier && db.DBInstanceStatus === "available"
          ? Date.now()
          : undefined;
      },
    },
    latched: {
      name: "latch written",
      source: `S3 GetObject of the latch object s3://${latch.bucket}/${latch.key} (B)`,
      probe: async () => ((await latchObject.read()) ? Date.now() : undefined),
    },
    capacity: {
      name: "capacity InService",
      source: `Auto Scaling: ${config.backup.asg.failoverCapacity.desired} InService in ${config.backup.asg.name}`,
      probe: async () => {
        const out = await clients
          .autoScaling(B)
          .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [config.backup.asg.name] }));
        const n = (out.AutoScalingGroups?.[0]?.Instances ?? []).filter(
          (i) => i.LifecycleState === "InService",
        ).length;
        return n >= config.backup.asg.failoverCapacity.desired ? Date.now() : undefined;
      },
    },
    targets: {
      name: "targets healthy",
      source: "ELB DescribeTargetHealth of B's target group",
      probe: async () => {
        const out = await clients
          .elbv2(B)
          .send(new DescribeTargetHealthCommand({ TargetGroupArn: config.backup.alb.targetGroupArn }));
        return (out.TargetHealthDescriptions ?? []).some((t) => t.TargetHealth?.State === "healthy")
          ? Date.now()
          : undefined;
      },
    },
  };
}

/**
 * Polls every probe not yet reached until all are, or the deadline passes; reports each as it is
 * reached. Resolves to the time of each reached milestone, by key.
 */
export async function watchMilestones(
  probes: Record<string, MilestoneProbe>,
  options: {
    deadline: number;
    intervalMs?: number;
    onReached: (key: string, at: number) => void;
    done?: () => boolean;
  },
): Promise<Record<string, number>> {
  const reached: Record<string, number> = {};
  const keys = Object.keys(probes);
  while (Date.now() < options.deadline) {
    const pending = keys.filter((k) => reached[k] === undefined);
    if (pending.length === 0 || options.done?.()) break;
    await Promise.all(
      pending.map(async (k) => {
        const at = await (probes[k] as MilestoneProbe).probe().catch(() => undefined);
        if (at !== undefined) {
          reached[k] = at;
          options.onReached(k, at);
        }
      }),
    );
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
  return reached;
}
