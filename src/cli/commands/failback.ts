import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeAlarmsCommand, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateDBInstanceReadReplicaCommand,
  CreateDBSnapshotCommand,
  type DBInstance,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
} from "@aws-sdk/client-rds";
import { GetHealthCheckCommand, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import type { Command } from "commander";
import type { DeploymentConfig } from "../../core/config.js";
import { dynamoDbLockPort } from "../../functions/failover/aws-ports.js";
import { closeIncident } from "../../functions/failover/incident.js";
import { resolveDnsName } from "../../local/dns.js";
import { resolveLocal, setAlarm } from "../../local/harness.js";
import { type AckedWrite, loadStats, startLoad, verifyLedger } from "../../local/load.js";
import {
  inRecovery,
  promoteServer,
  rebuildAsReplica,
  replicationLagBytes,
  setReadOnly,
  stopServer,
} from "../../local/pg-control.js";
import { appHealthy, type LocalStack, loadStack, startApp, stopApp } from "../../local/stack.js";
import type { Clients } from "../clients.js";
import { confirmStep, operatorName } from "../confirm.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { failbackNames, failbackPlan, type PlanStep, type StepId, stampOf } from "../failback/plan.js";
import { progress } from "../io.js";
import { writeOutput } from "../output.js";
import type { CommandDefinition } from "../program.js";
import { assertEmulator } from "./drill.js";

export interface FailbackOptions {
  yes?: boolean;
  dryRun?: boolean;
  local?: boolean;
  stateDir: string;
  timeout?: string;
}

interface StepResult {
  id: StepId;
  title: string;
  outcome: "done" | "skipped";
  detail: string;
  seconds: number;
}

async function describeDb(clients: Clients, region: string, id: string): Promise<DBInstance | undefined> {
  try {
    const out = await clients.rds(region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.[0];
  } catch (err) {
    if (
      (err as { name?: string }).name === "DBInstanceNotFoundFault" ||
      (err as { name?: string }).name === "DBInstanceNotFound"
    ) {
      return undefined;
    }
    throw err;
  }
}

/** Waits until `check` returns a truthy value, telling what it waits for and for how long. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  options: { timeoutMs: number; intervalMs: number; log: (m: string) => void },
): Promise<T> {
  const started = Date.now();
  let told = started;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() - started > options.timeoutMs) {
      throw new CliError(
        `gave up waiting for ${what} after ${Math.round(options.timeoutMs / 1000)} s; re-run failback to continue from here`,
        ExitCode.failed,
      );
    }
    if (Date.now() - told > 30_000) {
      options.log(`still waiting for ${what} (${Math.round((Date.now() - started) / 1000)} s)`);
      told = Date.now();
    }
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}

/** Refuses to start unless there is a completed failover to come back from and P answers. */
async function preflight(clients: Clients, config: DeploymentConfig): Promise<string[]> {
  const lock = dynamoDbLockPort(clients.dynamoDb(config.backup.region), config.failover.lockTableName);
  const record = await lock.read(config.deployment);
  if (record?.state !== "completed") {
    throw new CliError(
      record?.state === "in-progress" || record?.state === "failed" || record?.state === "pending-approval"
        ? `incident ${record.incidentId} is ${record.state}: finish the failover first (pilotlight approve, or wait), then fail back.`
        : `no completed failover to fail back from (lock record: ${record?.state ?? "none"}). See pilotlight status.`,
      ExitCode.failed,
    );
  }
  const backupDb = await describeDb(clients, config.backup.region, config.backup.db.instanceId);
  if (!backupDb || backupDb.ReadReplicaSourceDBInstanceIdentifier) {
    throw new CliError(
      `${config.backup.db.instanceId} is ${backupDb ? "still a replica" : "missing"}: the promotion has not finished. Wait, and follow it with pilotlight status.`,
      ExitCode.failed,
    );
  }
  let primaryDb: DBInstance | undefined;
  try {
    primaryDb = await describeDb(clients, config.primary.region, config.primary.db.instanceId);
  } catch (err) {
    throw new CliError(
      `the primary region ${config.primary.region} does not answer (${(err as Error).name}): failback needs P healthy. Retry when it answers (pilotlight status shows it).`,
      ExitCode.primaryUnknown,
      { cause: err },
    );
  }
  return [
    `incident ${record.incidentId} completed at ${record.completedAt}`,
    `${config.backup.db.instanceId} in ${config.backup.region}: standalone, ${backupDb.DBInstanceStatus}`,
    `${config.primary.db.instanceId} in ${config.primary.region}: ${primaryDb ? `${primaryDb.DBInstanceStatus}${primaryDb.ReadReplicaSourceDBInstanceIdentifier ? `, replica of ${primaryDb.ReadReplicaSourceDBInstanceIdentifier}` : ", standalone (the old primary)"}` : "missing"}`,
  ];
}

function planOutput(plan: PlanStep[], checks: string[], local: boolean) {
  return {
    data: { checks, plan },
    tables: [
      {
        title: "failback plan (never automatic: destructive steps ask first)",
        head: ["#", "step", "asks", "does", ...(local ? ["played locally"] : [])],
        rows: plan.map((s, i) => [
          String(i + 1),
          s.title,
          s.destructive ? "yes" : "no",
          s.actions.join("; "),
          ...(local ? [s.local ?? "-"] : []),
        ]),
      },
    ],
    notes: checks.map((c) => `check: ${c}`),
  };
}

export const failbackCommand: CommandDefinition<FailbackOptions> = {
  name: "failback",
  description:
    "guided return to the primary region after a failover: checks, plan, then each step with confirmation",
  configure: (cmd: Command) =>
    cmd
      .option("-y, --yes", "confirm every step (and, on AWS, that writes to B are paused at the switchover)")
      .option("--dry-run", "print the checks and the plan, change nothing")
      .option("--local", "against the local emulator and the local stack `drill --local` left running")
      .option("--state-dir <dir>", "local: the local stack's state", ".pilotlight/local")
      .option("--timeout <seconds>", "give up waiting on one step after this long (default 3600; local 120)"),
  async handler(ctx: CommandContext, options: FailbackOptions) {
    if (options.local) assertEmulator();
    const config = await ctx.config();
    const clients = ctx.clients;
    const started = Date.now();
    const log = progress(ctx.io, started);
    const stamp = stampOf(new Date());
    const names = failbackNames(config, stamp);
    const plan = failbackPlan(config, stamp);
    const checks = await preflight(clients, config);
    let stack: LocalStack | undefined;
    if (options.local) {
      stack = loadStack(options.stateDir);
      if (!stack)
        throw new CliError(
          `no local stack in ${options.stateDir}: run pilotlight drill --local first.`,
          ExitCode.failed,
        );
    }
    if (options.dryRun) {
      writeOutput(ctx.io, ctx.format, planOutput(plan, checks, options.local ?? false));
      return ExitCode.ok;
    }
    ctx.io.err(
      planOutput(plan, checks, options.local ?? false)
        .tables.map((t) => `${t.title}\n${t.rows.map((r) => `  ${r[0]}. ${r[1]}: ${r[3]}`).join("\n")}`)
        .join("\n"),
    );
    for (const c of checks) log(`check: ${c}`);

    const timeoutMs = Number(options.timeout ?? (options.local ? 120 : 3600)) * 1000;
    const wait = <T>(what: string, check: () => Promise<T | undefined | false>) =>
      waitFor(what, check, { timeoutMs, intervalMs: options.local ? 200 : 10_000, log });
    const P = config.primary;
    const B = config.backup;
    const rdsP = clients.rds(P.region);
    const rdsB = clients.rds(B.region);

    // local: users keep using "the DNS name" all along; every acknowledged write must survive
    const local = stack;
    const load = local
      ? startLoad(
          async () => {
            const a = await resolveLocal(clients, config, local);
            return { side: a.app.side, url: a.app.url };
          },
          { tag: `failback-${stamp}` },
        )
      : undefined;

    const results: StepResult[] = [];
    const run = async (id: StepId, act: () => Promise<{ outcome: "done" | "skipped"; detail: string }>) => {
      const step = plan.find((s) => s.id === id) as PlanStep;
      if (step.destructive) {
        await confirmStep(
          ctx.io,
          options.yes ?? false,
          `Step "${step.title}": ${step.actions.join("; ")}. Proceed?`,
        );
      }
      const t = Date.now();
      log(`${step.title}...`);
      const r = await act();
      results.push({ id, title: step.title, ...r, seconds: (Date.now() - t) / 1000 });
      log(`${step.title}: ${r.outcome}, ${r.detail} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    };
    const scale = (region: string, name: string, min: number, max: number | undefined, desired: number) =>
      clients.autoScaling(region).send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          MinSize: min,
          ...(max === undefined ? {} : { MaxSize: max }),
          DesiredCapacity: desired,
        }),
      );
    const group = async (region: string, name: string) =>
      (
        await clients
          .autoScaling(region)
          .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))
      ).AutoScalingGroups?.[0];

    try {
      await run("fence", async () => {
        const g = await group(P.region, P.asg.name);
        if (local) await stopApp(local, "primary");
        if (g && g.DesiredCapacity === 0 && g.MinSize === 0)
          return { outcome: "skipped", detail: `${P.asg.name} already at 0` };
        await scale(P.region, P.asg.name, 0, undefined, 0);
        return { outcome: "done", detail: `${P.asg.name} at 0` };
      });

      await run("snapshot", async () => {
        const old = await describeDb(clients, P.region, P.db.instanceId);
        if (!old || old.ReadReplicaSourceDBInstanceIdentifier) {
          return {
            outcome: "skipped",
            detail: `${P.db.instanceId} is already the new replica (an earlier run took the snapshot)`,
          };
        }
        await rdsP.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: P.db.instanceId,
            DBSnapshotIdentifier: names.snapshot,
          }),
        );
        await wait(`snapshot ${names.snapshot}`, async () => {
          const s = await rdsP.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: names.snapshot }));
          return s.DBSnapshots?.[0]?.Status === "available";
        });
        let detail = `snapshot ${names.snapshot} available`;
        if (local) {
          await stopServer(local.db.primary);
          const copy = join(local.stateDir, "snapshots", names.snapshot);
          cpSync(local.db.primary.dataDir, copy, { recursive: true });
          detail += `; local: old primary stopped, data directory copied to ${copy}`;
        }
        return { outcome: "done", detail };
      });

      await run("reverse-replication", async () => {
        const current = await describeDb(clients, P.region, P.db.instanceId);
        let detail: string;
        if (current?.ReadReplicaSourceDBInstanceIdentifier) {
          detail = `${P.db.instanceId} already replicates from ${current.ReadReplicaSourceDBInstanceIdentifier}`;
        } else {
          if (current) {
            await rdsP.send(
              new ModifyDBInstanceCommand({
                DBInstanceIdentifier: P.db.instanceId,
                NewDBInstanceIdentifier: names.fencedPrimary,
                ApplyImmediately: true,
              }),
            );
            await wait(
              `${P.db.instanceId} renamed to ${names.fencedPrimary}`,
              async () => !(await describeDb(clients, P.region, P.db.instanceId)),
            );
          }
          const fenced = current ?? (await describeDb(clients, P.region, names.fencedPrimary));
          await rdsP.send(
            new CreateDBInstanceReadReplicaCommand({
              DBInstanceIdentifier: P.db.instanceId,
              SourceDBInstanceIdentifier: B.db.arn,
              DBInstanceClass: fenced?.DBInstanceClass,
              // a cross-region replica needs a parameter group of its own region: the one it replaces
              ...(fenced?.DBParameterGroups?.[0]?.DBParameterGroupName
                ? { DBParameterGroupName: fenced.DBParameterGroups[0].DBParameterGroupName }
                : {}),
              ...(fenced?.KmsKeyId ? { KmsKeyId: fenced.KmsKeyId } : {}),
              ...(fenced?.DBSubnetGroup?.DBSubnetGroupName
                ? { DBSubnetGroupName: fenced.DBSubnetGroup.DBSubnetGroupName }
                : {}),
              VpcSecurityGroupIds: (fenced?.VpcSecurityGroups ?? []).flatMap((g) =>
                g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [],
              ),
            }),
          );
          detail = `${P.db.instanceId} created from ${B.db.arn}; old primary kept as ${names.fencedPrimary}`;
        }
        await wait(
          `${P.db.instanceId} available`,
          async () =>
            (await describeDb(clients, P.region, P.db.instanceId))?.DBInstanceStatus === "available",
        );
        if (local && !(await inRecovery(local.creds, local.db.primary).catch(() => false))) {
          await rebuildAsReplica(local.creds, local.db.primary, local.db.backup);
          detail += "; local: P's PostgreSQL rebuilt as a streaming replica of B's";
        }
        return { outcome: "done", detail };
      });

      await run("restore-primary-capacity", async () => {
        await scale(P.region, P.asg.name, P.asg.desiredCapacity, undefined, P.asg.desiredCapacity);
        if (local) await startApp(local, "primary");
        await wait(`${P.asg.desiredCapacity} InService in ${P.asg.name}`, async () => {
          const g = await group(P.region, P.asg.name);
          return (
            (g?.Instances ?? []).filter((i) => i.LifecycleState === "InService").length >=
            P.asg.desiredCapacity
          );
        });
        return {
          outcome: "done",
          detail: `${P.asg.desiredCapacity} InService${local ? "; P's app runs on the replica (reads served, /health 503 until the switchover)" : ""}`,
        };
      });

      await run("switchover", async () => {
        const current = await describeDb(clients, P.region, P.db.instanceId);
        if (!current?.ReadReplicaSourceDBInstanceIdentifier) {
          return { outcome: "skipped", detail: `${P.db.instanceId} is already standalone` };
        }
        let lag: string;
        if (local) {
          await setReadOnly(local.creds, local.db.backup, true);
          log("writes to B paused: B's PostgreSQL is read-only, the app answers writes 503 read_only");
          await wait(
            "replica lag 0 (P replayed B's last WAL position)",
            async () => (await replicationLagBytes(local.creds, local.db.backup, local.db.primary)) === 0,
          );
          lag = "0 bytes behind B";
        } else {
          await confirmStep(
            ctx.io,
            options.yes ?? false,
            "Writes to B are paused (maintenance mode: nothing writes to the database)?",
          );
          await wait(`ReplicaLag 0 on ${P.db.instanceId}`, async () => {
            const out = await clients.cloudWatch(P.region).send(
              new GetMetricStatisticsCommand({
                Namespace: "AWS/RDS",
                MetricName: "ReplicaLag",
                Dimensions: [{ Name: "DBInstanceIdentifier", Value: P.db.instanceId }],
                StartTime: new Date(Date.now() - 5 * 60_000),
                EndTime: new Date(),
                Period: 60,
                Statistics: ["Maximum"],
              }),
            );
            const last = (out.Datapoints ?? []).sort(
              (a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0),
            )[0];
            return last?.Maximum === 0;
          });
          lag = "ReplicaLag 0";
        }
        await rdsP.send(
          new PromoteReadReplicaCommand({ DBInstanceIdentifier: P.db.instanceId, BackupRetentionPeriod: 7 }),
        );
        await wait(`${P.db.instanceId} standalone and available`, async () => {
          const db = await describeDb(clients, P.region, P.db.instanceId);
          return db && !db.ReadReplicaSourceDBInstanceIdentifier && db.DBInstanceStatus === "available";
        });
        await rdsP.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: P.db.instanceId,
            MultiAZ: true,
            ApplyImmediately: true,
          }),
        );
        if (local) await promoteServer(local.creds, local.db.primary);
        await wait(`healthy targets in P`, async () => !local || (await appHealthy(local.apps.primary)));
        return {
          outcome: "done",
          detail: `${lag}; ${P.db.instanceId} promoted, Multi-AZ restored${local ? "; local: P's PostgreSQL promoted" : ""}`,
        };
      });

      await run("unlatch", async () => {
        await clients.route53().send(
          new UpdateHealthCheckCommand({
            HealthCheckId: config.dns.healthCheckId,
            Disabled: false,
            Inverted: false,
          }),
        );
        const hc = await clients
          .route53()
          .send(new GetHealthCheckCommand({ HealthCheckId: config.dns.healthCheckId }));
        const answer = await wait(`${config.dns.recordName} answering P`, async () => {
          const a = local
            ? await resolveLocal(clients, config, local)
            : await resolveDnsName(clients, config);
          return a.role === "PRIMARY" && (!local || a.reason === "primary healthy") ? a : undefined;
        });
        // the alarm returns to OK once P is healthy: the next failure is a new ALARM transition
        if (local)
          await setAlarm(clients, config, "P healthy again after failback (played by the harness)", "OK");
        const alarm = await wait(`alarm ${config.dns.alarm.name} back to OK`, async () => {
          const out = await clients
            .cloudWatch(config.dns.alarm.region)
            .send(new DescribeAlarmsCommand({ AlarmNames: [config.dns.alarm.name] }));
          const a = out.MetricAlarms?.[0];
          return a === undefined || a.StateValue === "OK" ? (a?.StateValue ?? "missing") : undefined;
        });
        return {
          outcome: "done",
          detail: `Disabled ${hc.HealthCheck?.HealthCheckConfig?.Disabled}, Inverted ${hc.HealthCheck?.HealthCheckConfig?.Inverted}; DNS answers ${answer.target}; alarm ${alarm}`,
        };
      });

      await run("scale-backup-down", async () => {
        await scale(B.region, B.asg.name, 0, 0, 0);
        return { outcome: "done", detail: `${B.asg.name} at 0/0/0` };
      });

      await run("rebuild-backup-replica", async () => {
        const current = await describeDb(clients, B.region, B.db.instanceId);
        let detail: string;
        if (current?.ReadReplicaSourceDBInstanceIdentifier) {
          detail = `${B.db.instanceId} already replicates from ${current.ReadReplicaSourceDBInstanceIdentifier}`;
        } else {
          if (current) {
            await rdsB.send(
              new ModifyDBInstanceCommand({
                DBInstanceIdentifier: B.db.instanceId,
                NewDBInstanceIdentifier: names.retiredBackup,
                ApplyImmediately: true,
              }),
            );
            await wait(
              `${B.db.instanceId} renamed to ${names.retiredBackup}`,
              async () => !(await describeDb(clients, B.region, B.db.instanceId)),
            );
          }
          const retired = current ?? (await describeDb(clients, B.region, names.retiredBackup));
          await rdsB.send(
            new CreateDBInstanceReadReplicaCommand({
              DBInstanceIdentifier: B.db.instanceId,
              SourceDBInstanceIdentifier: P.db.arn,
              DBInstanceClass: retired?.DBInstanceClass,
              // a cross-region replica needs a parameter group of its own region: the one it replaces
              ...(retired?.DBParameterGroups?.[0]?.DBParameterGroupName
                ? { DBParameterGroupName: retired.DBParameterGroups[0].DBParameterGroupName }
                : {}),
              ...(retired?.KmsKeyId ? { KmsKeyId: retired.KmsKeyId } : {}),
              ...(retired?.DBSubnetGroup?.DBSubnetGroupName
                ? { DBSubnetGroupName: retired.DBSubnetGroup.DBSubnetGroupName }
                : {}),
              VpcSecurityGroupIds: (retired?.VpcSecurityGroups ?? []).flatMap((g) =>
                g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [],
              ),
            }),
          );
          detail = `${B.db.instanceId} created from ${P.db.arn}; the promoted one kept as ${names.retiredBackup}`;
        }
        await wait(
          `${B.db.instanceId} available`,
          async () =>
            (await describeDb(clients, B.region, B.db.instanceId))?.DBInstanceStatus === "available",
        );
        if (local) {
          await rebuildAsReplica(local.creds, local.db.backup, local.db.primary);
          detail += "; local: B's PostgreSQL rebuilt as a streaming replica of P's";
        }
        return { outcome: "done", detail };
      });

      await run("close-incident", async () => {
        const lock = dynamoDbLockPort(clients.dynamoDb(B.region), config.failover.lockTableName);
        const closed = await closeIncident(
          lock,
          config.deployment,
          `pilotlight failback by ${operatorName()}`,
        );
        return {
          outcome: "done",
          detail: `incident ${closed.incidentId} closed; ${closed.state} until readiness sees P healthy`,
        };
      });
    } finally {
      await load?.stop();
    }

    const expectations: { name: string; ok: boolean; detail: string }[] = [];
    const localDns = local ? await resolveLocal(clients, config, local) : undefined;
    const dns = localDns ?? (await resolveDnsName(clients, config));
    expectations.push({
      name: "DNS answers P",
      ok: dns.role === "PRIMARY",
      detail: `${dns.role} ${dns.target} (${dns.reason})`,
    });
    const pDb = await describeDb(clients, P.region, P.db.instanceId);
    const bDb = await describeDb(clients, B.region, B.db.instanceId);
    expectations.push({
      name: `${P.db.instanceId} is the standalone primary`,
      ok: !!pDb && !pDb.ReadReplicaSourceDBInstanceIdentifier,
      detail: `${pDb?.DBInstanceStatus}`,
    });
    expectations.push({
      name: `${B.db.instanceId} replicates from P again`,
      ok: !!bDb?.ReadReplicaSourceDBInstanceIdentifier,
      detail: `source ${bDb?.ReadReplicaSourceDBInstanceIdentifier ?? "none"}`,
    });
    let loadSummary: unknown;
    if (local && load && localDns) {
      const ledgerFile = join(local.stateDir, "ledger.json");
      const drillLedger: AckedWrite[] = existsSync(ledgerFile)
        ? JSON.parse(readFileSync(ledgerFile, "utf8"))
        : [];
      const all = [...drillLedger, ...load.ledger];
      const check = await verifyLedger(localDns.app.url, all);
      const stats = loadStats(load.records);
      loadSummary = {
        during: stats,
        writesVerified: all.length,
        missing: check.missing.map((w) => String(w.id)),
      };
      expectations.push({
        name: "no acknowledged write lost (drill and failback)",
        ok: check.missing.length === 0 && all.length > 0,
        detail: `${all.length - check.missing.length}/${all.length} readable through the DNS name on P`,
      });
      const failures = Object.entries(stats.failures)
        .map(([k, v]) => `${v} x ${k}`)
        .join(", ");
      log(
        `load during failback: ${stats.requests} requests, ${stats.ok} ok, ${stats.failed} failed${failures ? ` (${failures})` : ""}`,
      );
    }
    for (const e of expectations) log(`${e.ok ? "ok  " : "FAIL"} ${e.name}: ${e.detail}`);
    const passed = expectations.every((e) => e.ok);
    writeOutput(ctx.io, ctx.format, {
      data: {
        checks,
        steps: results,
        expectations,
        load: loadSummary,
        passed,
        kept: {
          snapshot: { region: P.region, id: names.snapshot },
          instances: [
            { region: P.region, id: names.fencedPrimary },
            { region: B.region, id: names.retiredBackup },
          ],
        },
      },
      tables: [
        {
          title: `failback of ${config.deployment}`,
          head: ["step", "outcome", "seconds", "detail"],
          rows: results.map((r) => [r.title, r.outcome, r.seconds.toFixed(1), r.detail]),
        },
        {
          head: ["", "expectation", "detail"],
          rows: expectations.map((e) => [e.ok ? "ok" : "FAIL", e.name, e.detail]),
        },
      ],
      notes: [
        passed ? "P serves again; B is a pilot light again." : "UNMET EXPECTATIONS: see above",
        `kept for reconciliation: snapshot ${names.snapshot}, instances ${names.fencedPrimary} and ${names.retiredBackup}; delete them once reconciled`,
        `Terraform: both DB instances were replaced (its state names them by resource id): terraform state rm, then terraform import <module>.module.database.aws_db_instance.this ${P.db.instanceId} and <module>.module.database_replica.aws_db_instance.replica ${B.db.instanceId}`,
      ],
    });
    return passed ? ExitCode.ok : ExitCode.failed;
  },
};
