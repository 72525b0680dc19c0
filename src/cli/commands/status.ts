import type { Command } from "commander";
import { dynamoDbLockPort } from "../../functions/shared/aws-ports.js";
import type { CommandDefinition } from "../command.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { type Output, writeOutput } from "../output.js";
import { collectStatus, type Part, type RegionView, type StatusView } from "../status/collect.js";

function show<T>(p: Part<T>, render: (v: T) => string): string {
  if (p.ok) return render(p.value);
  return p.unreachable ? `unknown (${p.error})` : `error: ${p.error}`;
}

function regionColumn(r: RegionView): string[] {
  if (!r.answered) return ["unknown", "unknown", "unknown"];
  return [
    show(r.database, (d) =>
      d.role === "replica"
        ? `replica of ${d.source}, ${d.status}, lag ${d.replicaLagSeconds === undefined ? "no data" : `${d.replicaLagSeconds}s`}`
        : `primary (standalone), ${d.status}`,
    ),
    show(r.capacity, (c) => `min ${c.min} / max ${c.max} / desired ${c.desired}, ${c.inService} InService`),
    show(r.targets, (t) => `${t.healthy}/${t.total} healthy`),
  ];
}

/** The exit code of `status`: which region did not answer (docs/cli.md). */
export function statusExitCode(view: Pick<StatusView, "primary" | "backup">): ExitCode {
  if (!view.primary.answered && !view.backup.answered) return ExitCode.bothUnknown;
  if (!view.primary.answered) return ExitCode.primaryUnknown;
  if (!view.backup.answered) return ExitCode.backupUnknown;
  return ExitCode.ok;
}

function lastFailoverLine(p: Part<unknown>): string {
  return show(p, (v) => {
    if (!v) return "none";
    const r = v as {
      state?: string;
      incidentId?: string;
      openedAt?: string;
      completedAt?: string;
      drill?: boolean;
      rpoEstimateSeconds?: number;
    };
    const parts = [r.state ?? "unknown"];
    if (r.incidentId) parts.push(`incident ${r.incidentId}`);
    if (r.openedAt) parts.push(`opened ${r.openedAt}`);
    if (r.completedAt) parts.push(`completed ${r.completedAt}`);
    if (r.drill) parts.push("drill");
    if (r.rpoEstimateSeconds !== undefined) parts.push(`RPO estimate ${r.rpoEstimateSeconds}s`);
    return parts.join(", ");
  });
}

/** The status as printed: the two regions side by side, then the global parts. */
export function statusOutput(view: StatusView): Output {
  const p = regionColumn(view.primary);
  const b = regionColumn(view.backup);
  const labels = ["database", "capacity", "targets"];
  const notes: string[] = [];
  for (const [role, r] of [
    ["primary", view.primary],
    ["backup", view.backup],
  ] as const) {
    if (!r.answered)
      notes.push(`${role} region ${r.region} did not answer: its column is unknown, the rest is current.`);
  }
  return {
    data: view,
    tables: [
      {
        head: ["", `primary ${view.primary.region}`, `backup ${view.backup.region}`],
        rows: labels.map((l, i) => [l, p[i], b[i]]),
      },
      {
        head: ["", view.deployment],
        rows: [
          ["mode", view.mode],
          [
            "health check",
            show(
              view.healthCheck,
              (h) =>
                `P's endpoint ${h.healthy ? "healthy" : "unhealthy"} (checkers ${h.observedHealthy ? "see success" : "see failure"}${
                  h.inverted ? ", INVERTED (not pilotlight's: set it back)" : h.disabled ? ", disabled" : ""
                })${h.primaryHealthy === undefined ? "" : `; PRIMARY record ${h.primaryHealthy ? "healthy" : "unhealthy"}`}${
                  h.secondaryHealthy === undefined
                    ? ""
                    : `; SECONDARY record ${h.secondaryHealthy ? "healthy" : "unhealthy"}`
                }`,
            ),
          ],
          [
            "latch",
            show(view.latch, (l) =>
              l.set
                ? `SET: ${l.location}${l.record?.incidentId ? `, incident ${l.record.incidentId}` : ""}${l.record?.latchedAt ? ` at ${l.record.latchedAt}` : ""}${l.record?.by ? ` by ${l.record.by}` : ""} (P stays out of DNS until failback removes it)`
                : `not set (${l.location} absent)`,
            ),
          ],
          ["dns answer", show(view.dns, (d) => `${d.name} -> ${d.role} ${d.target} (${d.reason})`)],
          ["alarm", show(view.alarm, (a) => `${a.name}: ${a.state}${a.since ? ` since ${a.since}` : ""}`)],
          ["last failover", lastFailoverLine(view.lastFailover)],
        ],
      },
    ],
    notes,
  };
}

export const statusCommand: CommandDefinition = {
  name: "status",
  description:
    "both regions side by side: health check and latch, DNS answer, databases, capacity, last failover",
  configure: (cmd: Command) => cmd,
  async handler(ctx: CommandContext) {
    const config = await ctx.config();
    const lock = dynamoDbLockPort(ctx.clients.dynamoDb(config.backup.region), config.failover.lockTableName);
    const view = await collectStatus(
      ctx.clients,
      config,
      async () => (await lock.read(config.deployment)) ?? null,
    );
    writeOutput(ctx.io, ctx.format, statusOutput(view));
    return statusExitCode(view);
  },
};
