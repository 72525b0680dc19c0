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

/** The flag that answers a question whose consequence is lost writes (approve --force, failback's rename of a standalone P). */
export const ACCEPT_DATA_LOSS = "--accept-data-loss";

/** What a consequential question names: the flag that accepts its consequence, and whether it was given. */
export interface Consequence {
  /** The option that answers the question, named after its consequence (e.g. `--accept-data-loss`). */
  flag: string;
  given: boolean;
}

/**
 * Asks before a step whose wrong answer loses data or moves production (starting an AWS drill,
 * `approve --force`, failback renaming a standalone P). `--yes` does not answer it: the operator
 * types the deployment's name at a terminal, or passes the flag that names the consequence.
 * Without a terminal and without the flag the step is refused (exit 7).
 */
export async function confirmConsequence(
  io: Io,
  deployment: string,
  question: string,
  accept: Consequence,
): Promise<void> {
  if (accept.given) {
    io.err(`${question} accepted (${accept.flag})`);
    return;
  }
  const answer = await io.ask(`${question}\nType the deployment's name (${deployment}) to go on:`);
  if (answer === undefined) {
    throw new CliError(
      `not confirmed: ${question} --yes does not answer this question; without a terminal to type ${deployment} at, pass ${accept.flag}. Nothing more was changed.`,
      ExitCode.aborted,
    );
  }
  if (answer !== deployment) {
    throw new CliError(
      `not confirmed: "${answer}" is not ${deployment}. Nothing more was changed.`,
      ExitCode.aborted,
    );
  }
}
