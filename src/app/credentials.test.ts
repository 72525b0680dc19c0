import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CredentialsError, fetchDbCredentials, PasswordSource } from "./credentials.js";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pilotlight-db-AbCdEf";
const sm = mockClient(SecretsManagerClient);

describe("credentials", () => {
  beforeEach(() => sm.reset());

  describe("fetchDbCredentials", () => {
    it("reads an RDS-format secret", async () => {
      sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
        SecretString: JSON.stringify({ username: "app", password: "s3cret", engine: "postgres", port: 5432 }),
      });
      await expect(fetchDbCredentials(new SecretsManagerClient({}), ARN)).resolves.toEqual({
        username: "app",
        password: "s3cret",
      });
    });

    it("explains a secret without a password", async () => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: "app" }) });
      await expect(fetchDbCredentials(new SecretsManagerClient({}), ARN)).rejects.toThrow(/RDS format/);
    });

    it("explains a secret that is not JSON", async () => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: "app:s3cret" });
      await expect(fetchDbCredentials(new SecretsManagerClient({}), ARN)).rejects.toThrow(/not JSON/);
    });

    it("wraps an API failure with the secret's ARN", async () => {
      sm.on(GetSecretValueCommand).rejects(new Error("AccessDeniedException"));
      const err = await fetchDbCredentials(new SecretsManagerClient({}), ARN).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CredentialsError);
      expect((err as Error).message).toContain(ARN);
    });
  });

  describe("PasswordSource", () => {
    it("reads the secret again only after the database refused the password (a rotation)", async () => {
      const reads: string[] = [];
      const source = new PasswordSource({ username: "app", password: "old" }, async () => {
        reads.push("read");
        return { username: "app", password: "new" };
      });

      expect([await source.password(), await source.password()]).toEqual(["old", "old"]);
      source.refused();
      expect(await source.password()).toBe("new");
      expect(await source.password()).toBe("new");

      expect(reads).toEqual(["read"]);
    });

    it("keeps the last password when the secret cannot be read, and tries again on the next refusal", async () => {
      let fail = true;
      const source = new PasswordSource({ username: "app", password: "old" }, async () => {
        if (fail) throw new CredentialsError("cannot read the DB secret");
        return { username: "app", password: "new" };
      });

      source.refused();
      expect(await source.password()).toBe("old");
      fail = false;
      expect(await source.password()).toBe("old"); // no refusal since: no read
      source.refused();
      expect(await source.password()).toBe("new");
    });
  });
});
