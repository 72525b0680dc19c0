import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as z from "zod";

/** The database credentials, from a secret in the RDS format. */
export interface DbCredentials {
  username: string;
  password: string;
}

export class CredentialsError extends Error {
  override readonly name = "CredentialsError";
}

const RdsSecret = z.object({ username: z.string().min(1), password: z.string().min(1) });

/**
 * Reads the DB credentials from Secrets Manager. The client must be of the instance's own region,
 * so that B reads its replica of the secret and never depends on P.
 */
export async function fetchDbCredentials(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<DbCredentials> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (err) {
    throw new CredentialsError(`cannot read the DB secret ${secretArn}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? "");
  } catch (err) {
    throw new CredentialsError(`the DB secret ${secretArn} is not JSON`, { cause: err });
  }
  const parsed = RdsSecret.safeParse(json);
  if (!parsed.success) {
    throw new CredentialsError(`the DB secret ${secretArn} has no "username" and "password" (RDS format)`);
  }
  return parsed.data;
}

/**
 * The password the app's pools log in with: the secret's value as read at start, read again only
 * after the database refused it (SQLSTATE 28P01). A rotation (the apply that raised
 * `db_app_password_version`, then `pilotlight app-role`) thus needs no restart: the old password
 * keeps working until the role takes the new one, and the next login after that reads it.
 */
export class PasswordSource {
  private current: string;
  private stale = false;

  constructor(
    initial: DbCredentials,
    private readonly reread: () => Promise<DbCredentials>,
  ) {
    this.current = initial.password;
  }

  /** node-postgres calls it for every new connection (PoolConfig `password` as a function). */
  async password(): Promise<string> {
    if (this.stale) {
      this.stale = false;
      // unreadable right now (Secrets Manager briefly unreachable): keep the last value, retry on the next refusal
      this.current = await this.reread().then(
        (c) => c.password,
        () => this.current,
      );
    }
    return this.current;
  }

  /** The database refused the password: read the secret again before the next login. */
  refused(): void {
    this.stale = true;
  }
}
