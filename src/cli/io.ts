import { createInterface } from "node:readline/promises";

/**
 * Where a command writes: data to `out` (stdout, pipeable), progress and errors to `err` (stderr),
 * and questions to the terminal. Tests pass their own to capture both streams.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Asks a yes/no question; resolves false when there is no terminal to ask. */
  confirm(question: string): Promise<boolean>;
  /** Asks for a typed answer (e.g. the deployment's name); resolves undefined when there is no terminal. */
  ask(question: string): Promise<string | undefined>;
}

/** The process's own streams; questions need stdin to be a terminal. */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
    async ask(question) {
      if (!process.stdin.isTTY) return undefined;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(`${question} `)).trim();
      } finally {
        rl.close();
      }
    },
  };
}

/** Progress on stderr with the elapsed time since `start`, e.g. `[ 12.3s] promotion started`. */
export function progress(io: Io, start: number): (message: string) => void {
  return (message) => io.err(`[${((Date.now() - start) / 1000).toFixed(1).padStart(6)}s] ${message}`);
}
