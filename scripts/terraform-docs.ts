// The smallest terraform-docs: writes the inputs and outputs tables of each Terraform module's
// README between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->`, from variables.tf and
// outputs.tf. With --check it writes nothing and exits 1 when a README is out of date.
// usage: node_modules/.bin/tsx scripts/terraform-docs.ts [--check]
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const BEGIN = "<!-- BEGIN_TF_DOCS -->";
const END = "<!-- END_TF_DOCS -->";

interface Block {
  name: string;
  attributes: Record<string, string>;
}

/** Index just past the string that starts at `i` (a `"`), honouring escapes and `${...}`. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') {
    if (text[j] === "\\") j += 2;
    else if (text.startsWith("${", j)) j = skipBraces(text, j + 1);
    else j += 1;
  }
  return j + 1;
}

/** Index just past the bracket that closes the one at `i` ({, [ or (). */
function skipBraces(text: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const c = text[j];
    if (c === '"') {
      j = skipString(text, j);
      continue;
    }
    if (c === "#" || text.startsWith("//", j)) {
      j = text.indexOf("\n", j);
      if (j < 0) return text.length;
      continue;
    }
    if (c === "{" || c === "[" || c === "(") depth += 1;
    if (c === "}" || c === "]" || c === ")") {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
    j += 1;
  }
  return j;
}

/** Top-level attributes of a block body: `name = expression`, where the expression may span lines. */
function attributes(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const m = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(=|\{)/m.exec(body.slice(i));
    if (!m) break;
    const start = i + m.index + m[0].length;
    if (m[2] === "{") {
      // a nested block (validation, ...): skip it
      i = skipBraces(body, start - 1);
      continue;
    }
    let j = start;
    while (j < body.length && body[j] !== "\n") {
      const c = body[j];
      if (c === '"') j = skipString(body, j);
      else if (c === "{" || c === "[" || c === "(") j = skipBraces(body, j);
      else if (c === "#") j = body.indexOf("\n", j) < 0 ? body.length : body.indexOf("\n", j);
      else j += 1;
    }
    out[m[1] as string] = body.slice(start, j).trim();
    i = j;
  }
  return out;
}

/** The `kind "name" { ... }` blocks of a file, in order. */
export function blocks(text: string, kind: string): Block[] {
  const out: Block[] = [];
  const re = new RegExp(`^${kind}\\s+"([^"]+)"\\s*\\{`, "gm");
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = skipBraces(text, open);
    out.push({ name: m[1] as string, attributes: attributes(text.slice(open + 1, close - 1)) });
    re.lastIndex = close;
  }
  return out;
}

function unquote(s: string | undefined): string {
  if (!s) return "";
  return s.startsWith('"') && s.endsWith('"') ? (JSON.parse(s) as string) : s;
}

function cell(s: string): string {
  return s.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

function code(s: string): string {
  // Multi-line object types read as one line with commas.
  const joined = s
    .replace(/([{([])\s*\n\s*/g, "$1 ")
    .replace(/\s*\n\s*([}\])])/g, " $1")
    .replace(/,?\s*\n\s*/g, ", ");
  const one = cell(joined);
  return one.includes("`") ? `<code>${one}</code>` : `\`${one}\``;
}

/** The generated section of a module's README. */
export function render(dir: string): string {
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
  const variables = blocks(read("variables.tf"), "variable");
  const outputs = blocks(read("outputs.tf"), "output");
  const lines = ["## Inputs", ""];
  if (variables.length === 0) lines.push("No inputs.");
  else {
    lines.push("| Name | Description | Type | Default | Required |", "| --- | --- | --- | --- | :---: |");
    for (const v of variables) {
      const a = v.attributes;
      const def = a.default === undefined ? "n/a" : code(a.default);
      lines.push(
        `| ${v.name} | ${cell(unquote(a.description))} | ${code(a.type ?? "any")} | ${def} | ${a.default === undefined ? "yes" : "no"} |`,
      );
    }
  }
  lines.push("", "## Outputs", "");
  if (outputs.length === 0) lines.push("No outputs.");
  else {
    lines.push("| Name | Description |", "| --- | --- |");
    for (const o of outputs) lines.push(`| ${o.name} | ${cell(unquote(o.attributes.description))} |`);
  }
  return lines.join("\n");
}

function moduleDirs(root: string): string[] {
  const dirs = [root];
  for (const parent of ["modules", "examples"]) {
    const p = join(root, parent);
    if (existsSync(p)) for (const d of readdirSync(p).sort()) dirs.push(join(p, d));
  }
  return dirs;
}

const check = process.argv.includes("--check");
let stale = 0;
for (const dir of moduleDirs("terraform")) {
  const readme = join(dir, "README.md");
  if (!existsSync(readme)) {
    console.error(`terraform-docs: ${readme} is missing`);
    stale += 1;
    continue;
  }
  const text = readFileSync(readme, "utf8");
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  if (b < 0 || e < b) {
    console.error(`terraform-docs: ${readme} has no ${BEGIN} ... ${END} markers`);
    stale += 1;
    continue;
  }
  const next = `${text.slice(0, b + BEGIN.length)}\n${render(dir)}\n${text.slice(e)}`;
  if (next === text) continue;
  if (check) {
    console.error(
      `terraform-docs: ${readme} is out of date; run node_modules/.bin/tsx scripts/terraform-docs.ts`,
    );
    stale += 1;
  } else {
    writeFileSync(readme, next);
    console.log(`terraform-docs: updated ${readme}`);
  }
}
if (stale > 0) process.exit(1);
console.log(`terraform-docs: ${check ? "all READMEs up to date" : "done"}`);
