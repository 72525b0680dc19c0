// Checks a Terraform deployment against the TypeScript contract: reads `terraform output -json`
// on stdin, parses `deployment_config` with parseDeploymentConfig, and requires `rto_model` to equal
// rtoModel(rtoInputsFromConfig(config)). Exits 1 with a message naming each difference.
// usage: terraform output -json | node_modules/.bin/tsx scripts/check-deployment.ts
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { parseDeploymentConfig } from "../src/core/config.js";
import { rtoInputsFromConfig, rtoModel, SCENARIOS } from "../src/core/rto.js";

type Outputs = Record<string, { value?: unknown } | undefined>;

/** Lists the paths where two JSON values differ, such as `cases.worst.detect: 220 != 230`. */
export function differences(actual: unknown, expected: unknown, path = ""): string[] {
  if (isDeepStrictEqual(actual, expected)) return [];
  const bothObjects =
    actual !== null && expected !== null && typeof actual === "object" && typeof expected === "object";
  if (!bothObjects) {
    return [`${path || "(root)"}: terraform ${JSON.stringify(actual)} != rto.ts ${JSON.stringify(expected)}`];
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
  return keys.flatMap((k) => differences(a[k], e[k], path ? `${path}.${k}` : k));
}

function fail(message: string): never {
  console.error(`check-deployment: ${message}`);
  process.exit(1);
}

const input = readFileSync(0, "utf8");
let outputs: Outputs;
try {
  outputs = JSON.parse(input) as Outputs;
} catch (cause) {
  fail(`stdin is not the JSON of terraform output -json: ${(cause as Error).message}`);
}

const document = outputs.deployment_config?.value;
if (typeof document !== "string") fail("no deployment_config output (a JSON string) in the input");
const model = outputs.rto_model?.value;
if (model === undefined) fail("no rto_model output in the input");

let config: ReturnType<typeof parseDeploymentConfig>;
try {
  config = parseDeploymentConfig(document, "terraform output deployment_config");
} catch (err) {
  fail((err as Error).message);
}

const expected = rtoModel(rtoInputsFromConfig(config));
const diff = differences(model, expected);
if (diff.length > 0) {
  fail(`rto_model (terraform/rto.tf) differs from src/core/rto.ts:\n  ${diff.join("\n  ")}`);
}
const worst = SCENARIOS.map((s) => `${s} ${expected.scenarios[s].cases.worst.total}s`).join(", ");
console.log(
  `check-deployment: ${config.deployment}: config document valid (schema v${config.version}); ` +
    `rto_model matches rto.ts (worst ${worst} of ${expected.targetSeconds}s, ` +
    `detection window ${expected.detectionWindowSeconds}s)`,
);
