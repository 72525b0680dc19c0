import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// scripts/toolchain decides where hashicorp/aws comes from: the mirror when it was built before,
// the registry when every probed host answers within the probe timeout, else a build from source.
// A loopback server plays the registry: it answers, fails, or accepts and never answers.

const script = join(import.meta.dirname, "../../scripts/toolchain");
const providerLabel = /^AWS_PROVIDER_LABEL="([^"]+)"/m.exec(readFileSync(script, "utf8"))?.[1];

interface DryRun {
  provider: string | undefined;
  cliConfig: string;
  stderr: string;
  seconds: number;
}

/** Runs `scripts/toolchain --dry-run` with its own cache and the given probe settings. */
function dryRun(env: { urls: string[]; timeoutSeconds?: number; cache?: string }): Promise<DryRun> {
  const cache = env.cache ?? mkdtempSync(join(tmpdir(), "pilotlight-toolchain-"));
  const started = Date.now();
  const child = spawn("bash", [script, "--dry-run"], {
    env: {
      ...process.env,
      PILOTLIGHT_CACHE: cache,
      PILOTLIGHT_PROVIDER_PROBE_URLS: env.urls.join(" "),
      PILOTLIGHT_PROVIDER_PROBE_TIMEOUT: String(env.timeoutSeconds ?? 1),
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`toolchain --dry-run exited ${code}: ${stderr}`));
      resolve({
        provider: /^provider: (\S+)$/m.exec(stdout)?.[1],
        cliConfig: stdout.split("\n").slice(2).join("\n"),
        stderr,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

describe("scripts/toolchain", () => {
  let server: Server;
  let base: string;
  let refused: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? "");
      if (req.url === "/ok") res.end("{}");
      else if (req.url === "/unavailable") res.writeHead(503).end("maintenance");
      // /hang: accepts the request and never answers
    });
    server.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // a port that was free a moment ago: connecting to it is refused
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await new Promise((r) => closed.once("listening", r));
    refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/ok`;
    await new Promise((r) => closed.close(r));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  describe("--dry-run: where hashicorp/aws comes from", () => {
    it("takes the registry when every probed host answers, with a CLI config that installs from it through the plugin cache", async () => {
      // Act
      const run = await dryRun({ urls: [`${base}/ok`, `${base}/ok`] });

      // Assess
      expect(run.provider).toBe("registry");
      expect(run.stderr).toContain("every host answered");
      expect(run.cliConfig).not.toContain("provider_installation");
      expect(run.cliConfig).toMatch(/^plugin_cache_dir\s+= ".+\/plugin-cache"$/m);
      expect(run.cliConfig).toMatch(/^plugin_cache_may_break_dependency_lock_file = true$/m);
    });

    it("builds from source when one host refuses the connection, and names it", async () => {
      // Act
      const run = await dryRun({ urls: [`${base}/ok`, refused] });

      // Assess
      expect(run.provider).toBe("build");
      expect(run.stderr).toContain(`registry probe: ${refused}: curl: (7)`);
      expect(run.cliConfig).toContain("filesystem_mirror");
    });

    it("builds from source when a host answers with an HTTP error", async () => {
      // Act
      const run = await dryRun({ urls: [`${base}/unavailable`] });

      // Assess
      expect(run.provider).toBe("build");
      expect(run.stderr).toContain("error: 503");
    });

    it("gives up on a host that accepts and never answers once the probe timeout has passed", async () => {
      // Act: two hung hosts, probed at once, each bounded by 1 s
      const run = await dryRun({ urls: [`${base}/hang`, `${base}/hang`], timeoutSeconds: 1 });

      // Assess
      expect(run.provider).toBe("build");
      expect(run.stderr).toContain("curl: (28)");
      expect(run.seconds).toBeGreaterThanOrEqual(1);
      expect(run.seconds).toBeLessThan(3);
    });

    it("builds from source without probing when the URL list is empty (an offline machine's switch)", async () => {
      // Prepare
      const before = requests.length;

      // Act
      const run = await dryRun({ urls: [] });

      // Assess
      expect(run.provider).toBe("build");
      expect(run.stderr).toContain("registry probe: none");
      expect(requests.length).toBe(before);
    });

    it("serves a provider built before from the mirror without probing", async () => {
      // Prepare
      const cache = mkdtempSync(join(tmpdir(), "pilotlight-toolchain-"));
      const binary = join(
        cache,
        `providers/registry.terraform.io/hashicorp/aws/${providerLabel}/linux_amd64/terraform-provider-aws_v${providerLabel}`,
      );
      mkdirSync(dirname(binary), { recursive: true });
      writeFileSync(binary, "");
      chmodSync(binary, 0o755);
      const before = requests.length;

      // Act
      const run = await dryRun({ urls: [`${base}/ok`], cache });

      // Assess
      expect(run.provider).toBe("mirror");
      expect(run.cliConfig).toContain(`path    = "${join(cache, "providers")}"`);
      expect(requests.length).toBe(before);
    });
  });
});
