// Bundles every program with esbuild and zips what Terraform deploys.
// Usage: node scripts/build.mjs [target...]   (targets: failover readiness probe app cli; default all)
// Zips are deterministic (fixed timestamps) so source_code_hash only changes with the code.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zipSync } from "fflate";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

// ESM bundles that still `require` node builtins (some CJS deps do) need a require shim.
const banner = {
  js: "import { createRequire as __pilotlightCreateRequire } from 'node:module'; const require = __pilotlightCreateRequire(import.meta.url);",
};

const targets = {
  // The functions prefer packages' ESM builds ("module"): the AWS SDK's dist-es tree-shakes,
  // which halves the bundle and its cold init (see docs/functions.md, Benchmark).
  failover: {
    entry: "src/functions/failover/index.ts",
    out: "dist/functions/failover/index.mjs",
    zip: "dist/functions/failover.zip",
    mainFields: ["module", "main"],
  },
  readiness: {
    entry: "src/functions/readiness/index.ts",
    out: "dist/functions/readiness/index.mjs",
    zip: "dist/functions/readiness.zip",
    mainFields: ["module", "main"],
  },
  probe: {
    entry: "src/functions/probe/index.ts",
    out: "dist/functions/probe/index.mjs",
    zip: "dist/functions/probe.zip",
    mainFields: ["module", "main"],
  },
  app: { entry: "src/app/main.ts", out: "dist/app/server.mjs", zip: "dist/app/pilotlight-app.zip" },
  cli: { entry: "src/cli/main.ts", out: "dist/cli/pilotlight.mjs" },
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in targets)) {
    console.error(`unknown build target "${name}"; choose from: ${Object.keys(targets).join(", ")}`);
    process.exit(2);
  }
}

for (const [name, t] of Object.entries(targets)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = Date.now();
  await build({
    entryPoints: [join(root, t.entry)],
    outfile: join(root, t.out),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: name !== "cli",
    sourcemap: false,
    legalComments: "none",
    banner,
    ...(t.mainFields ? { mainFields: t.mainFields } : {}),
    // pg tries pg-native only when asked to; never bundle it.
    external: ["pg-native"],
    define: { "process.env.PILOTLIGHT_BUILD_VERSION": JSON.stringify(pkg.version) },
    logLevel: "warning",
  });
  let line = `${name}: ${t.out} ${(statSync(join(root, t.out)).size / 1024).toFixed(0)} KiB`;
  if (t.zip) {
    const file = t.out.split("/").pop();
    const zipped = zipSync(
      { [file]: [readFileSync(join(root, t.out)), { mtime: new Date("2020-01-01T00:00:00Z") }] },
      { level: 9 },
    );
    mkdirSync(dirname(join(root, t.zip)), { recursive: true });
    writeFileSync(join(root, t.zip), zipped);
    line += `, ${t.zip} ${(zipped.length / 1024).toFixed(0)} KiB`;
  }
  console.error(`${line} (${Date.now() - started} ms)`);
}
