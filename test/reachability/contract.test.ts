import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { GRANTS } from "../../src/core/permissions/index.js";
import contract from "../../terraform/modules/network/reachability.json" with { type: "json" };

// The reachability contract (terraform/modules/network/reachability.json): which AWS services each
// program calls and how it reaches them. The emulator runs no VPC routing and no lifecycle hook, so
// an instance that cannot reach a service it calls is green locally and stuck on AWS (a launch hook
// never completed is ABANDONed at its timeout). These tests tie the contract to the code on one
// side and to the network configurations on the other; terraform/tests/aws_settings.tftest.hcl
// proves the network module creates the endpoints it names and refuses NAT off with endpoints off.

const ROOT = join(import.meta.dirname, "../..");
type Program = keyof typeof contract.programs;
interface Call {
  endpoint?: string;
  by: string;
}
const programs = Object.keys(contract.programs) as Program[];
const calls = (p: Program): Record<string, Call> => contract.programs[p].calls;
const services = (p: Program) => Object.keys(calls(p)).sort();

/** The network configurations the variables allow (NAT off with endpoints off is refused). */
const CONFIGURATIONS = [
  { name: "endpoints only (default)", nat: false, endpoints: true },
  { name: "NAT only", nat: true, endpoints: false },
  { name: "NAT and endpoints", nat: true, endpoints: true },
] as const;
type Configuration = (typeof CONFIGURATIONS)[number];

/**
 * How a program's call reaches its service, or null when it cannot. With endpoints on, the module
 * creates the one the contract names (interface endpoints with private DNS answer the service's own
 * name; the gateway's prefix-list route is more specific than the NAT route).
 */
function pathOf(program: Program, call: Call, config: Configuration): string | null {
  if (contract.programs[program].network === "lambda") return "public endpoint (outside any VPC)";
  if (config.endpoints && call.endpoint) return `${call.endpoint} endpoint`;
  if (config.nat) return "NAT gateway";
  return null;
}

/** The AWS CLI's command names that differ from the service's endpoint name. */
const CLI_SERVICE: Record<string, string> = {
  s3api: "s3",
  cloudwatch: "monitoring",
  elbv2: "elasticloadbalancing",
};
/** IAM's service prefixes that differ from the endpoint name. */
const IAM_SERVICE: Record<string, string> = { cloudwatch: "monitoring" };
/** SDK v3 client packages whose name is not the endpoint name without hyphens. */
const SDK_SERVICE: Record<string, string> = {
  cloudwatch: "monitoring",
  "elastic-load-balancing-v2": "elasticloadbalancing",
};

describe("reachability contract", () => {
  describe("the instance (user data and app)", () => {
    const template = readFileSync(join(ROOT, "terraform/modules/app/user-data.sh.tftpl"), "utf8");
    const script = template
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("#"))
      .join("\n");

    it("lists every service the user data's AWS CLI calls and dnf reach", () => {
      const cli = [...script.matchAll(/(?:^|[\s;(|&])aws ([a-z0-9-]+) [a-z]/gm)].map(
        (m) => CLI_SERVICE[m[1] as string] ?? (m[1] as string),
      );
      expect(cli.sort()).toEqual(["autoscaling", "s3"]);
      // dnf fetches from the AL2023 repositories, S3 buckets of the instance's region.
      expect(script).toMatch(/\bdnf install\b/);
      for (const service of [...cli, "s3"]) expect(services("app")).toContain(service);
    });

    it("lists every AWS SDK client the app's bundle contains", async () => {
      const result = await build({
        entryPoints: [join(ROOT, "src/app/main.ts")],
        bundle: true,
        platform: "node",
        format: "esm",
        write: false,
        metafile: true,
        outfile: "server.mjs",
        logLevel: "silent",
      });
      const [output] = Object.values(result.metafile.outputs);
      const clients = new Set(
        Object.entries(output?.inputs ?? {})
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([path]) => /node_modules\/@aws-sdk\/client-([a-z0-9-]+)\//.exec(path)?.[1])
          .filter((name): name is string => name !== undefined),
      );
      const bundled = [...clients].map((c) => SDK_SERVICE[c] ?? c.replaceAll("-", ""));
      expect(bundled).toEqual(["secretsmanager"]);
      for (const service of bundled) expect(services("app")).toContain(service);
    });
  });

  describe("every program", () => {
    it.each(programs)("%s: its calls and by_aws are exactly the services its role grants", (program) => {
      const granted = new Set(
        GRANTS[program].flatMap((g) => g.actions.map((a) => a.split(":")[0] as string)),
      );
      const named = [...services(program), ...Object.keys(contract.programs[program].by_aws)];
      expect(named.sort()).toEqual([...granted].map((s) => IAM_SERVICE[s] ?? s).sort());
    });

    it.each(programs)("%s: reaches every service it calls in every allowed configuration", (program) => {
      const unreachable = CONFIGURATIONS.flatMap((config) =>
        Object.entries(calls(program))
          .filter(([, call]) => pathOf(program, call, config) === null)
          .map(([service]) => `${service} (${config.name})`),
      );
      expect(unreachable).toEqual([]);
    });

    it("runs outside any VPC where the contract says lambda, and the app in its VPC", () => {
      for (const program of programs) {
        const main = readFileSync(join(ROOT, "terraform/modules", program, "main.tf"), "utf8");
        const network = contract.programs[program].network;
        expect({ program, network }).toEqual({ program, network: program === "app" ? "vpc" : "lambda" });
        if (network === "lambda") expect(main).not.toMatch(/\bvpc_config\b/);
        else expect(main).toContain("vpc_zone_identifier       = var.app_subnet_ids");
      }
    });

    it("is the table docs/terraform.md shows", () => {
      const doc = readFileSync(join(ROOT, "docs/terraform.md"), "utf8");
      const shown = /<!-- reachability:begin -->\n([\s\S]*?)<!-- reachability:end -->/.exec(doc)?.[1];
      expect(shown).toBe(reachabilityTable());
    });
  });
});

/** The reachability table of docs/terraform.md: program, services called, path per configuration. */
function reachabilityTable(): string {
  const cell = (program: Program, config: Configuration) => {
    const byPath = new Map<string, string[]>();
    for (const service of services(program)) {
      const path = pathOf(program, calls(program)[service] as Call, config) ?? "UNREACHABLE";
      byPath.set(path, [...(byPath.get(path) ?? []), service]);
    }
    // One path for every call: the path alone.
    if (byPath.size === 1) return [...byPath.keys()].join("");
    return [...byPath].map(([path, list]) => `${path}: ${list.join(", ")}`).join("; ");
  };
  const rows = programs.map(
    (p) => `| ${p} | ${services(p).join(", ")} | ${CONFIGURATIONS.map((c) => cell(p, c)).join(" | ")} |`,
  );
  return [
    `| program | services called | ${CONFIGURATIONS.map((c) => c.name).join(" | ")} |`,
    `| --- | --- | ${CONFIGURATIONS.map(() => "---").join(" | ")} |`,
    ...rows,
    "",
  ].join("\n");
}
