import type { ClientOptions } from "../../src/aws/clients.js";
import type { Io } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with captured streams; `answers` replies to confirmations in order,
 * `typed` to the questions that need a typed answer (none: no terminal).
 */
export async function runCapture(
  argv: string[],
  options: { clientOptions?: ClientOptions; answers?: boolean[]; typed?: string[] } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const answers = [...(options.answers ?? [])];
  const typed = [...(options.typed ?? [])];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    confirm: async (q) => {
      err.push(`${q} [y/N]`);
      return answers.shift() ?? false;
    },
    ask: async (q) => {
      err.push(q);
      return typed.shift();
    },
  };
  const code = await runCli(argv, {
    io,
    ...(options.clientOptions ? { clientOptions: options.clientOptions } : {}),
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}
