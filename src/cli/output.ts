import type { Io } from "./io.js";

/**
 * The one output writer of the CLI: a table for people, `--output json` for scripts. Every
 * command hands it the same value twice: the data (serialised as is for JSON) and its tables.
 */

export const OUTPUT_FORMATS = ["table", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Table {
  title?: string;
  head: string[];
  rows: (string | number | boolean | null | undefined)[][];
}

export interface Output {
  /** What `--output json` prints: stable field names, documented in docs/cli.md. */
  data: unknown;
  /** What people read. */
  tables: Table[];
  /** Lines printed under the tables (table format only). */
  notes?: string[];
}

function cell(value: Table["rows"][number][number]): string {
  if (value === null || value === undefined) return "-";
  return String(value);
}

/** Renders a table with a header rule, columns padded to their widest cell. */
export function renderTable(table: Table): string {
  const rows = table.rows.map((r) => r.map(cell));
  const widths = table.head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out: string[] = [];
  if (table.title) out.push(table.title);
  out.push(line(table.head), line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) out.push(line(r));
  return out.join("\n");
}

/** Writes an output to stdout in the chosen format. */
export function writeOutput(io: Io, format: OutputFormat, output: Output): void {
  if (format === "json") {
    io.out(JSON.stringify(output.data, null, 2));
    return;
  }
  const blocks = output.tables.map(renderTable);
  if (output.notes && output.notes.length > 0) blocks.push(output.notes.join("\n"));
  io.out(blocks.join("\n\n"));
}
