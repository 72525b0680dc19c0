import { CliError, ExitCode } from "./exit-codes.js";
import type { Io } from "./io.js";

/**
 * Asks before a destructive step; `--yes` answers for the operator. Without a terminal and
 * without `--yes` the step is refused (exit 7) rather than taken silently.
 */
export async function confirmStep(io: Io, yes: boolean, question: string): Promise<void> {
  if (yes) {
    io.err(`${question} yes (--yes)`);
    return;
  }
  if (!(await io.confirm(question))) {
    throw new CliError(
      `not confirmed: ${question} Nothing more was changed; re-run to continue (or pass --yes).`,
      ExitCode.aborted,
    );
  }
}

/** Who runs the command, for records and notifications. */
export function operatorName(): string {
  return process.env.PILOTLIGHT_OPERATOR ?? process.env.USER ?? process.env.LOGNAME ?? "operator";
}
