import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { Clients } from "../aws/clients.js";
import { type DeploymentConfig, DeploymentConfigError, parseDeploymentConfig } from "../core/config.js";
import { CONFIG_PARAMETER_ENV, configParameterName, loadDeploymentConfig } from "../core/config-source.js";
import { CliError, ExitCode } from "./exit-codes.js";
import type { Io } from "./io.js";
import type { OutputFormat } from "./output.js";

/** The options every command accepts (docs/cli.md "Global options"). */
export interface GlobalOptions {
  deployment?: string;
  region?: string;
  configParameter?: string;
  fromTerraform?: string;
  configFile?: string;
  output: OutputFormat;
}

/** What a command handler gets: where to write, how to reach AWS, and the deployment config. */
export interface CommandContext {
  io: Io;
  format: OutputFormat;
  clients: Clients;
  options: GlobalOptions;
  /** Reads the deployment-config document once (SSM in the backup region, or terraform output). */
  config(): Promise<DeploymentConfig>;
}

const NO_CREDENTIALS = new Set([
  "CredentialsProviderError",
  "ExpiredTokenException",
  "UnrecognizedClientException",
]);
const UNREACHABLE = new Set(["TimeoutError", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET"]);

/** Turns a failed read of the document into what the operator should do next. */
export function configErrorHint(cause: unknown, where: string): string {
  const err = cause as { name?: string; code?: string; message?: string };
  const name = err.name ?? "";
  if (name === "ParameterNotFound") {
    return `no deployment config at ${where}. Check --deployment, and that --region is the backup region (Terraform writes the document there), or run terraform apply first.`;
  }
  if (NO_CREDENTIALS.has(name) || /credential/i.test(err.message ?? "")) {
    return `no usable AWS credentials to read ${where} (${name}: ${err.message}). Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or log in (aws sso login).`;
  }
  if (name === "AccessDeniedException") {
    return `access denied reading ${where}: the caller needs ssm:GetParameter on it.`;
  }
  if (UNREACHABLE.has(name) || UNREACHABLE.has(err.code ?? "")) {
    return `SSM did not answer for ${where} (${name || err.code}). Check the network and that the region name is right.`;
  }
  return `cannot read ${where}: ${name}: ${err.message}`;
}

async function fromSsm(clients: Clients, options: GlobalOptions): Promise<DeploymentConfig> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new CliError(
      "the backup region is not known: pass --region <backup-region> (where the deployment config lives) or set AWS_REGION.",
      ExitCode.config,
    );
  }
  const parameter =
    options.configParameter ??
    process.env[CONFIG_PARAMETER_ENV] ??
    (options.deployment ? configParameterName(options.deployment) : undefined);
  if (!parameter) {
    throw new CliError(
      "which deployment? Pass --deployment <name> (or set PILOTLIGHT_DEPLOYMENT), or --from-terraform <dir>.",
      ExitCode.config,
    );
  }
  const where = `SSM ${parameter} in ${region}`;
  try {
    return await loadDeploymentConfig(clients.ssm(region), parameter);
  } catch (err) {
    if (err instanceof DeploymentConfigError && err.cause !== undefined) {
      throw new CliError(configErrorHint(err.cause, where), ExitCode.config, { cause: err });
    }
    throw new CliError((err as Error).message, ExitCode.config, { cause: err });
  }
}

const exec = promisify(execFile);

/** `terraform output -json deployment_config` in a root module directory (TF_BIN picks tofu). */
async function fromTerraform(dir: string): Promise<DeploymentConfig> {
  const bin = process.env.TF_BIN ?? "terraform";
  let stdout: string;
  try {
    ({ stdout } = await exec(bin, [`-chdir=${dir}`, "output", "-json", "deployment_config"], {
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (err) {
    const e = err as { stderr?: string; message: string; code?: string };
    const detail = (e.stderr || e.message).trim().split("\n").slice(0, 4).join(" ");
    throw new CliError(
      `cannot read the deployment_config output of ${dir} with ${bin}: ${detail}. Run terraform apply there first, or set TF_BIN.`,
      ExitCode.config,
      { cause: err },
    );
  }
  const value: unknown = JSON.parse(stdout);
  try {
    return parseDeploymentConfig(value, `terraform output deployment_config of ${dir}`);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.config, { cause: err });
  }
}

/** A document saved to a file (e.g. to model settings before applying them). */
async function fromFile(path: string): Promise<DeploymentConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`, ExitCode.config, { cause: err });
  }
  try {
    return parseDeploymentConfig(text, path);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.config, { cause: err });
  }
}

/** Builds the context; the document is read on first use and kept. */
export function createContext(io: Io, options: GlobalOptions, clients: Clients): CommandContext {
  let config: Promise<DeploymentConfig> | undefined;
  return {
    io,
    format: options.output,
    clients,
    options,
    config() {
      config ??= options.configFile
        ? fromFile(options.configFile)
        : options.fromTerraform
          ? fromTerraform(options.fromTerraform)
          : fromSsm(clients, options);
      return config;
    },
  };
}
