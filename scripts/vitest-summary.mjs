// Runs vitest under a given node binary and ends with the plain line `N passed, N failed`.
// usage: node scripts/vitest-summary.mjs <node-binary> [vitest args...]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [nodeBinary, ...args] = process.argv.slice(2);
const report = join(mkdtempSync(join(tmpdir(), "vitest-")), "report.json");
const run = spawnSync(
  nodeBinary,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    ...args,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ],
  { stdio: "inherit" },
);
if (!existsSync(report)) {
  console.log(`vitest wrote no report (exit ${run.status})`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const r = JSON.parse(readFileSync(report, "utf8"));
// A file that fails to load has no tests but is a failure all the same.
const failedSuites = r.testResults.filter(
  (f) => f.status === "failed" && f.assertionResults.length === 0,
).length;
let failed = r.numFailedTests + failedSuites + r.numPendingTests + r.numTodoTests;
// vitest can fail outside any test (an unhandled error): that is a failure too.
if (run.status !== 0 && failed === 0) failed = 1;
if (r.numPendingTests + r.numTodoTests > 0)
  console.log(`${r.numPendingTests + r.numTodoTests} skipped or todo tests count as failed`);
console.log(
  `${nodeBinary === "node" ? "" : `${nodeBinary}: `}${r.numPassedTests} passed in ${r.testResults.length} files`,
);
console.log(`${r.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
