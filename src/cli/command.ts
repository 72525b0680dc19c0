import type { Command } from "commander";
import type { CommandContext } from "./context.js";
import type { ExitCode } from "./exit-codes.js";

/**
 * One command: its name and options (commander) and a typed handler. Each lives in its own file
 * under commands/ and program.ts registers them; the type lives here so that neither imports the other.
 * The handler returns the exit code (default 0) or throws a CliError.
 */
export interface CommandDefinition<O = Record<string, unknown>> {
  name: string;
  description: string;
  configure(command: Command): Command;
  handler(ctx: CommandContext, options: O): Promise<ExitCode | undefined>;
}
