import { Command, CommanderError, Option } from "commander";
import { type ClientOptions, Clients } from "../aws/clients.js";
import { NotEmulatorError } from "../local/emulator.js";
import type { CommandDefinition } from "./command.js";
import { appRoleCommand } from "./commands/app-role.js";
import { approveCommand } from "./commands/approve.js";
import { drillCommand } from "./commands/drill.js";
import { failbackCommand } from "./commands/failback.js";
import { readinessCommand } from "./commands/readiness.js";
import { rtoCommand } from "./commands/rto.js";
import { statusCommand } from "./commands/status.js";
import { createContext, type GlobalOptions } from "./context.js";
import { CliError, ExitCode } from "./exit-codes.js";
import type { Io } from "./io.js";
import { OUTPUT_FORMATS } from "./output.js";

const COMMANDS = [
  statusCommand,
  readinessCommand,
  rtoCommand,
  drillCommand,
  failbackCommand,
  approveCommand,
  appRoleCommand,
] as CommandDefinition<never>[];

export interface RunDependencies {
  io: Io;
  clientOptions?: ClientOptions;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: string[], deps: RunDependencies): Promise<number> {
  const { io } = deps;
  let exitCode: number = ExitCode.ok;
  const clients = new Clients(deps.clientOptions);
  const program = new Command("pilotlight")
    .description("Operate a pilotlight deployment: status, readiness, recovery-time model, drills, failback.")
    .version(process.env.PILOTLIGHT_BUILD_VERSION ?? "dev")
    .option(
      "-d, --deployment <name>",
      "deployment name (env PILOTLIGHT_DEPLOYMENT)",
      process.env.PILOTLIGHT_DEPLOYMENT,
    )
    .option("-r, --region <region>", "backup region, where the deployment config lives (env AWS_REGION)")
    .option(
      "--config-parameter <name>",
      "SSM parameter of the deployment config (default /pilotlight/<deployment>/config)",
    )
    .option(
      "--from-terraform <dir>",
      "read the deployment config from `terraform output` in <dir> instead of SSM",
    )
    .option(
      "--config-file <path>",
      "read the deployment config from a JSON file (e.g. settings not yet applied)",
    )
    .addOption(new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("table"))
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  for (const def of COMMANDS) {
    const cmd = def.configure(program.command(def.name).description(def.description));
    cmd.exitOverride().action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const ctx = createContext(io, command.optsWithGlobals() as GlobalOptions, clients);
      exitCode = (await def.handler(ctx, command.opts() as never)) ?? ExitCode.ok;
    });
  }

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(err.code);
      exitCode = ok ? ExitCode.ok : ExitCode.usage;
    } else if (err instanceof CliError) {
      io.err(`error: ${err.message}`);
      exitCode = err.exitCode;
    } else if (err instanceof NotEmulatorError) {
      io.err(`error: ${err.message}`);
      exitCode = ExitCode.usage;
    } else {
      io.err(`error: ${(err as Error).stack ?? String(err)}`);
      exitCode = ExitCode.failed;
    }
  } finally {
    clients.destroy();
  }
  return exitCode;
}
