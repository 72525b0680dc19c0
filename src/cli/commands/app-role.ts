import type { Command } from "commander";
import { RegionRole } from "../../core/config.js";
import type { CommandDefinition } from "../command.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { awsSqlEndpoint, parseHostPort } from "../failback/aws.js";
import { acceptsWrites, ensureAppRole } from "../failback/sql.js";
import { writeOutput } from "../output.js";

export interface AppRoleOptions {
  on: string;
  dbHost?: string;
}

/**
 * `pilotlight app-role`: creates the app's own database role, or sets it to the app role's secret
 * after a rotation, as the master user, on the writer. The operator runs it, not the instances and
 * not a function: the master credentials stay with the operator (an instance holding them could
 * lift the write fence), and only the writer can create a role, which a function in B cannot
 * reach while P is the writer. The role reaches the replica through the WAL; its secret reaches B
 * through Secrets Manager replication, so nothing here is needed in B after P is lost.
 */
export const appRoleCommand: CommandDefinition<AppRoleOptions> = {
  name: "app-role",
  description:
    "create the app's own database role (or set the password its secret holds) as the master user, on the writer",
  configure: (cmd: Command) =>
    cmd
      .option(
        "--on <primary|backup>",
        "the region whose database is the writer (backup after a failover)",
        "primary",
      )
      .option(
        "--db-host <host[:port]>",
        "reach the writer's database through this tunnel (e.g. SSM port forwarding); default: its RDS endpoint",
      ),
  async handler(ctx: CommandContext, options: AppRoleOptions) {
    const on = RegionRole.safeParse(options.on);
    if (!on.success) {
      throw new CliError(`--on ${JSON.stringify(options.on)}: expected primary or backup`, ExitCode.usage);
    }
    const tunnel = options.dbHost ? parseHostPort(options.dbHost, "--db-host") : undefined;
    const config = await ctx.config();
    const side = config[on.data];
    ctx.io.err(`setting up the app's database role on ${side.db.instanceId} (${side.region})...`);
    const ep = await awsSqlEndpoint(ctx.clients, config, on.data, tunnel);
    const { created } = await ensureAppRole(ep);
    // observed, not assumed: the app's own login opens a read-write session
    const writes = await acceptsWrites(ep);
    writeOutput(ctx.io, ctx.format, {
      data: { instance: side.db.instanceId, role: ep.app.user, created, appLogsInAndWrites: writes },
      tables: [
        {
          head: ["instance", "role", "done", "app login"],
          rows: [
            [side.db.instanceId, ep.app.user, created ? "created" : "updated", writes ? "writes" : "REFUSED"],
          ],
        },
      ],
      notes: [
        writes
          ? `the app logs in as ${ep.app.user}; running instances pick up a new password at their next login`
          : `the app's login as ${ep.app.user} cannot write on ${side.db.instanceId}: is it the writer?`,
      ],
    });
    return writes ? ExitCode.ok : ExitCode.failed;
  },
};
