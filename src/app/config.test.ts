import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const env = {
  PILOTLIGHT_REGION: "eu-west-1",
  PILOTLIGHT_REGION_ROLE: "primary",
  PILOTLIGHT_DB_HOST: "db.example.internal",
  PILOTLIGHT_DB_NAME: "app",
  PILOTLIGHT_DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pilotlight-db-AbCdEf",
};

describe("config", () => {
  describe("loadConfig", () => {
    it("applies the defaults", () => {
      const config = loadConfig(env);
      expect(config).toEqual({
        region: "eu-west-1",
        regionRole: "primary",
        db: {
          host: "db.example.internal",
          port: 5432,
          name: "app",
          secretArn: env.PILOTLIGHT_DB_SECRET_ARN,
          tls: "verify",
        },
        host: "0.0.0.0",
        port: 8080,
      });
    });

    it("reads ports and TLS mode", () => {
      const config = loadConfig({
        ...env,
        PILOTLIGHT_DB_PORT: "6543",
        PORT: "0",
        PILOTLIGHT_DB_TLS: "disable",
      });
      expect(config.db.port).toBe(6543);
      expect(config.port).toBe(0);
      expect(config.db.tls).toBe("disable");
    });

    it("names every missing or invalid variable", () => {
      const act = () =>
        loadConfig({
          ...env,
          PILOTLIGHT_REGION_ROLE: "standby",
          PILOTLIGHT_DB_HOST: undefined,
          PORT: "http",
        });
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/PILOTLIGHT_REGION_ROLE: .*primary/);
      expect(act).toThrow(/PILOTLIGHT_DB_HOST: is not set/);
      expect(act).toThrow(/PORT: /);
    });

    it("refuses a secret of another region, so B never reads P", () => {
      const act = () =>
        loadConfig({ ...env, PILOTLIGHT_REGION: "eu-central-1", PILOTLIGHT_REGION_ROLE: "backup" });
      expect(act).toThrow(/PILOTLIGHT_DB_SECRET_ARN: must be a secret in PILOTLIGHT_REGION/);
    });

    it("refuses something that is not a secret ARN", () => {
      expect(() => loadConfig({ ...env, PILOTLIGHT_DB_SECRET_ARN: "pilotlight-db" })).toThrow(
        /Secrets Manager secret ARN/,
      );
    });
  });
});
