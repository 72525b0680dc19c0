import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { DeploymentConfigError, parseDeploymentConfig } from "./config.js";

describe("parseDeploymentConfig", () => {
  it("accepts a complete version-1 document, as JSON text or as a value", () => {
    // Prepare
    const doc = exampleConfig();

    // Act
    const fromText = parseDeploymentConfig(JSON.stringify(doc));
    const fromValue = parseDeploymentConfig(doc);

    // Assess
    expect(fromText).toEqual(doc);
    expect(fromValue.backup.db.instanceId).toBe("demo-replica");
  });

  it("names the source when the document is not JSON", () => {
    expect(() => parseDeploymentConfig("{not json", "SSM /pilotlight/demo/config")).toThrow(
      /SSM \/pilotlight\/demo\/config is not JSON/,
    );
  });

  it("refuses another version and says what to do", () => {
    const doc = { ...exampleConfig(), version: 2 };
    expect(() => parseDeploymentConfig(doc)).toThrow(
      /has version 2, this pilotlight reads version 1.*Upgrade/,
    );
  });

  it("holds the deployment name to Terraform's rule: 3 to 18 characters, no double dash", () => {
    const named = (deployment: string) => () => parseDeploymentConfig({ ...exampleConfig(), deployment });
    expect(named("a23456789012345678")).not.toThrow();
    expect(named("a234567890123456789")).toThrow(/deployment: 3 to 18 lowercase/);
    expect(named("shop--eu")).toThrow(/deployment: no two consecutive dashes/);
  });

  it("lists every wrong field by its path", () => {
    // Prepare
    const doc = exampleConfig() as unknown as Record<string, Record<string, unknown>>;
    doc.mode = "sometimes" as never;
    (doc.primary as Record<string, unknown>).region = "mars-1";
    delete (doc.dns as Record<string, unknown>).healthCheckId;

    // Act
    let error: unknown;
    try {
      parseDeploymentConfig(doc);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(DeploymentConfigError);
    const issues = (error as DeploymentConfigError).issues.join("\n");
    expect(issues).toMatch(/^mode:/m);
    expect(issues).toMatch(/^primary\.region: .*AWS region/m);
    expect(issues).toMatch(/^dns\.healthCheckId:/m);
  });

  it("refuses an alarm outside us-east-1, where Route 53 metrics live", () => {
    const doc = exampleConfig();
    (doc.dns.alarm as { region: string }).region = "eu-west-1";
    expect(() => parseDeploymentConfig(doc)).toThrow(/dns\.alarm\.region/);
  });

  describe("backup.db promotion settings (RDS API reference, PromoteReadReplica: BackupRetentionPeriod 0 to 35, default 1; PreferredBackupWindow hh24:mi-hh24:mi UTC, at least 30 minutes)", () => {
    const withDb = (db: Record<string, unknown>) => {
      const doc = exampleConfig();
      return { ...doc, backup: { ...doc.backup, db: { ...doc.backup.db, ...db } } };
    };
    const issuesOf = (doc: unknown) => {
      try {
        parseDeploymentConfig(doc);
        return [];
      } catch (error) {
        return (error as DeploymentConfigError).issues;
      }
    };

    it("accepts 1 to 35 retention days and a window of 30 minutes or more, across midnight too", () => {
      for (const db of [
        { backupRetentionDays: 1, backupWindow: "03:00-03:30" },
        { backupRetentionDays: 35, backupWindow: "23:45-00:15" },
        { backupRetentionDays: 7, backupWindow: null },
      ]) {
        expect(issuesOf(withDb(db))).toEqual([]);
      }
    });

    it.each([
      [{ backupRetentionDays: 0 }, "backup.db.backupRetentionDays: 1 to 35 days"],
      [{ backupRetentionDays: 36 }, "backup.db.backupRetentionDays: 1 to 35 days"],
      [{ backupWindow: "3:00-3:30" }, "backup.db.backupWindow: hh24:mi-hh24:mi in UTC"],
      [{ backupWindow: "24:00-00:30" }, "backup.db.backupWindow: hh24:mi-hh24:mi in UTC"],
      [{ backupWindow: "03:00-03:20" }, "backup.db.backupWindow: a backup window of at least 30 minutes"],
    ])("refuses %o, naming the field and the rule", (db, issue) => {
      expect(issuesOf(withDb(db)).join("\n")).toContain(issue);
    });

    it("requires both, so a document written before them is refused with the fix", () => {
      const doc = exampleConfig() as unknown as { backup: { db: Record<string, unknown> } };
      delete doc.backup.db.backupRetentionDays;
      delete doc.backup.db.backupWindow;
      expect(() => parseDeploymentConfig(doc)).toThrow(
        /backup\.db\.backupRetentionDays[\s\S]*terraform apply/,
      );
    });
  });
});
