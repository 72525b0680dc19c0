import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { isRunning, readEmulator, startEmulator, stopEmulator } from "./emulator.js";
import { readFaults } from "./fault-proxy-control.js";

describe("emulator launcher", () => {
  it("starts moto on a free loopback port behind the fault proxy, answers, and stops both by pid", async () => {
    // Prepare
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emu-test-"));

    // Act
    const emulator = await startEmulator(stateDir);
    const answer = await fetch(`${emulator.endpoint}/moto-api/data.json`);
    const faults = await readFaults(emulator.endpoint);
    const stopped = stopEmulator(stateDir);
    await new Promise((r) => setTimeout(r, 500));

    // Assess
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.endpoint).not.toBe(emulator.motoEndpoint);
    expect(answer.ok).toBe(true);
    expect(faults).toEqual({});
    expect(stopped).toBe(true);
    expect(readEmulator(stateDir)).toBeUndefined();
    expect(isRunning(emulator.pid)).toBe(false);
    expect(isRunning(emulator.proxyPid)).toBe(false);
  });

  it("starts moto alone when asked for no fault proxy", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emu-test-"));
    const emulator = await startEmulator(stateDir, { faultProxy: false });
    try {
      expect(emulator.endpoint).toBe(emulator.motoEndpoint);
      expect(emulator.proxyPid).toBeUndefined();
      await expect(readFaults(emulator.endpoint)).rejects.toThrow(/has no fault proxy in front/);
    } finally {
      stopEmulator(stateDir);
    }
  });

  it("refuses a second start from the same state directory", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emu-test-"));
    await startEmulator(stateDir);
    try {
      await expect(startEmulator(stateDir)).rejects.toThrow(/still runs .* stop it first/);
    } finally {
      stopEmulator(stateDir);
    }
  });
});

describe("moto RDS patch (src/local/moto_server.py)", () => {
  it("makes a promoted cross-region replica standalone and refuses a second promotion as AWS does", async () => {
    // Prepare: a primary in one region and its replica in another, from the primary's ARN
    const primaryRds = new RDSClient({ region: "eu-west-1" });
    const backupRds = new RDSClient({ region: "eu-central-1" });
    const id = `patch-${Date.now()}`;
    const primary = await primaryRds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${id}-primary`,
        DBInstanceClass: "db.t4g.micro",
        Engine: "postgres",
        MasterUsername: "app",
        MasterUserPassword: "local-only-password",
        AllocatedStorage: 20,
      }),
    );
    await backupRds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: `${id}-replica`,
        SourceDBInstanceIdentifier: primary.DBInstance?.DBInstanceArn,
        DBInstanceClass: "db.t4g.micro",
      }),
    );
    const before = await backupRds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${id}-replica` }),
    );

    // Act
    await backupRds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: `${id}-replica` }));
    const after = await backupRds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${id}-replica` }),
    );
    const source = await primaryRds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${id}-primary` }),
    );
    const second = backupRds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: `${id}-replica` }));

    // Assess
    expect(before.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBe(
      primary.DBInstance?.DBInstanceArn,
    );
    expect(after.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    // RDS API reference, DBInstanceStatusInfo: a read replica reports "read replication" status
    expect(before.DBInstances?.[0]?.StatusInfos).toEqual([
      { StatusType: "read replication", Status: "replicating", Normal: true },
    ]);
    expect(after.DBInstances?.[0]?.StatusInfos ?? []).toEqual([]);
    expect(source.DBInstances?.[0]?.ReadReplicaDBInstanceIdentifiers ?? []).toEqual([]);
    // The SDK surfaces the AWS error code InvalidDBInstanceState as InvalidDBInstanceStateFault.
    await expect(second).rejects.toMatchObject({ name: "InvalidDBInstanceStateFault" });
  });

  it("lets a source forget a deleted cross-region replica", async () => {
    // Prepare
    const primaryRds = new RDSClient({ region: "eu-west-1" });
    const backupRds = new RDSClient({ region: "eu-central-1" });
    const id = `delete-${Date.now()}`;
    const primary = await primaryRds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${id}-primary`,
        DBInstanceClass: "db.t4g.micro",
        Engine: "postgres",
        MasterUsername: "app",
        MasterUserPassword: "local-only-password",
        AllocatedStorage: 20,
      }),
    );
    await backupRds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: `${id}-replica`,
        SourceDBInstanceIdentifier: primary.DBInstance?.DBInstanceArn,
        DBInstanceClass: "db.t4g.micro",
      }),
    );

    // Act
    await backupRds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: `${id}-replica`, SkipFinalSnapshot: true }),
    );
    const source = await primaryRds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${id}-primary` }),
    );

    // Assess
    expect(source.DBInstances?.[0]?.ReadReplicaDBInstanceIdentifiers ?? []).toEqual([]);
  });
});
