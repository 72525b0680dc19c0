/**
 * The CLI's exit codes, one meaning each, so scripts can branch on them (docs/cli.md lists them).
 * `status` uses 4..6 to say which region did not answer; every other command uses 0..3 and 7.
 */
export const ExitCode = {
  /** Done; for `status`: both regions answered. */
  ok: 0,
  /** A check, step or expectation failed; the output says which and what to do. */
  failed: 1,
  /** The command line is wrong (unknown option, missing argument). */
  usage: 2,
  /** The deployment-config document cannot be read: no document, no credentials, wrong region. */
  config: 3,
  /** `status`: the primary region did not answer; its column shows unknown. */
  primaryUnknown: 4,
  /** `status`: the backup region did not answer; its column shows unknown. */
  backupUnknown: 5,
  /** `status`: neither region answered. */
  bothUnknown: 6,
  /**
   * A confirmation was declined, a destructive step needs `--yes` without a terminal, a question
   * `--yes` does not answer got neither the deployment's name nor its flag, or an AWS drill was
   * interrupted (SIGINT/SIGTERM; it ended from its record first).
   */
  aborted: 7,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one message (what happened, what to do) and an exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
