import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBInstanceReadReplicaCommand,
  type DBInstance,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { Clients } from "../../aws/clients.js";
import type { Io } from "../io.js";
import { failbackPlan } from "./plan.js";
import type { FenceCheck, SqlEndpoint } from "./sql.js";
import { type FailbackEnv, failbackSteps, replicating, type SwitchoverSql } from "./steps.js";

// The AWS path of the failback steps, with the SDK mocked to answer as the RDS, ELB, Route 53 and
// S3 API references document; the SQL side is a recording fake (src/cli/failback/sql.int.test.ts
// runs the real SQL against PostgreSQL).

const rds = mockClient(RDSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const r53 = mockClient(Route53Client);
const s3 = mockClient(S3Client);
const cw = mockClient(CloudWatchClient);
const config = exampleConfig();
const P = config.primary;
const B = config.backup;

/** DescribeDBInstances' answer for one instance (RDS API reference, DBInstance). */
const db = (over: Partial<DBInstance>): { DBInstances: DBInstance[] } => ({
  DBInstances: [{ DBInstanceIdentifier: P.db.instanceId, DBInstanceStatus: "available", ...over }],
});
const replicaOfB = { ReadReplicaSourceDBInstanceIdentifier: B.db.arn, BackupRetentionPeriod: 0 };
const replicatingInfo = {
  StatusInfos: [{ StatusType: "read replication", Status: "replicating", Normal: true }],
};

function fakeSql(fence: Partial<FenceCheck> = {}, behind: number[] = [0]) {
  const calls: string[] = [];
  const ops: SwitchoverSql = {
    fenceWrites: async (ep) => {
      calls.push(`fence ${ep.host}`);
      return { readOnly: true, writersLeft: 0, lsn: "0/3000060", ...fence };
    },
    liftFence: async (ep) => {
      calls.push(`lift ${ep.host}`);
      return true;
    },
    replayBehind: async (ep) => {
      calls.push(`replay ${ep.host}`);
      return { standby: true, bytes: behind.length > 1 ? (behind.shift() as number) : (behind[0] as number) };
    },
    acceptsWrites: async (ep) => {
      calls.push(`writes ${ep.host}`);
      return true;
    },
  };
  return { ops, calls };
}

function env(sqlOps: SwitchoverSql, over: Partial<FailbackEnv> = {}): FailbackEnv {
  const at = (host: string): SqlEndpoint => ({
    host,
    port: 5432,
    user: "u",
    password: "p",
    database: "d",
    ssl: false,
  });
  const io = { err: () => undefined, out: () => undefined, confirm: async () => true } as unknown as Io;
  return {
    io,
    log: () => undefined,
    clients: new Clients(),
    config,
    plan: failbackPlan(config, "20261203t070000"),
    stamp: "20261203t070000",
    yes: true,
    timeoutMs: 200,
    intervalMs: 1,
    sql: { primary: async () => at("p-db"), backup: async () => at("b-db") },
    sqlOps,
    dns: async () => ({ role: "PRIMARY", target: P.alb.dnsName, reason: "primary healthy" }),
    ...over,
  };
}

describe("failback steps (AWS path)", () => {
  beforeEach(() => {
    rds.reset();
    elb.reset();
    r53.reset();
    s3.reset();
    cw.reset();
  });
  afterEach(() => {
    rds.reset();
  });

  describe("replicating", () => {
    it('needs "available" and a normal "read replication" status of "replicating" (RDS DBInstanceStatusInfo)', () => {
      expect(replicating(db({ ...replicatingInfo }).DBInstances[0])).toBe(true);
      expect(replicating(db({}).DBInstances[0])).toBe(false);
      expect(
        replicating(
          db({ StatusInfos: [{ StatusType: "read replication", Status: "error", Normal: false }] })
            .DBInstances[0],
        ),
      ).toBe(false);
      expect(replicating(db({ DBInstanceStatus: "modifying", ...replicatingInfo }).DBInstances[0])).toBe(
        false,
      );
    });
  });

  describe("reverse-replication", () => {
    it("is done when the new replica replicates, not when it is merely available", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .resolvesOnce(db({ ReadReplicaSourceDBInstanceIdentifier: undefined })) // the old primary
        .rejectsOnce(
          Object.assign(new Error("not found"), { name: "DBInstanceNotFoundFault", $fault: "client" }),
        ) // renamed
        .resolvesOnce(db({ DBInstanceIdentifier: "demo-primary-fenced" })) // the kept one
        .resolvesOnce(db({ ReadReplicaSourceDBInstanceIdentifier: B.db.arn })) // available, no StatusInfos yet
        .resolves(db({ ReadReplicaSourceDBInstanceIdentifier: B.db.arn, ...replicatingInfo }));
      rds.on(ModifyDBInstanceCommand).resolves({});
      rds.on(CreateDBInstanceReadReplicaCommand).resolves({});

      const out = await failbackSteps["reverse-replication"](env(fakeSql().ops));

      expect(out.outcome).toBe("done");
      expect(rds.commandCalls(DescribeDBInstancesCommand).length).toBe(5);
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)[0]?.args[0].input).toMatchObject({
        DBInstanceIdentifier: P.db.instanceId,
        SourceDBInstanceIdentifier: B.db.arn,
      });
    });

    it("gives up, naming the condition, when replication never runs", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(
        db({
          ReadReplicaSourceDBInstanceIdentifier: B.db.arn,
          StatusInfos: [
            { StatusType: "read replication", Status: "error", Normal: false, Message: "WAL gap" },
          ],
        }),
      );
      await expect(failbackSteps["reverse-replication"](env(fakeSql().ops))).rejects.toThrow(
        /gave up waiting for demo-primary available and replicating/,
      );
    });
  });

  describe("switchover", () => {
    it("fences B, waits for P to replay B's fenced WAL position, then promotes with the deployment's backup settings", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .resolvesOnce(db(replicaOfB))
        .resolves(db({ ReadReplicaSourceDBInstanceIdentifier: undefined }));
      rds.on(PromoteReadReplicaCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      elb.on(DescribeTargetHealthCommand).resolves({
        TargetHealthDescriptions: [
          { TargetHealth: { State: "healthy" } },
          { TargetHealth: { State: "healthy" } },
        ],
      });
      const sql = fakeSql({}, [4096, 512, 0]);

      const out = await failbackSteps.switchover(env(sql.ops));

      expect(out.outcome).toBe("done");
      expect(sql.calls).toEqual([
        "fence b-db",
        "replay p-db",
        "replay p-db",
        "replay p-db",
        "lift p-db",
        "writes p-db",
      ]);
      expect(rds.commandCalls(PromoteReadReplicaCommand)[0]?.args[0].input).toEqual({
        DBInstanceIdentifier: P.db.instanceId,
        // PromoteReadReplica's BackupRetentionPeriod defaults to 1 day (RDS API reference)
        BackupRetentionPeriod: config.backup.db.backupRetentionDays,
        ...(config.backup.db.backupWindow ? { PreferredBackupWindow: config.backup.db.backupWindow } : {}),
      });
      expect(rds.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input).toMatchObject({
        MultiAZ: true,
        ApplyImmediately: true,
      });
    });

    it("never promotes when the fence did not take: it lifts it and says what to look for", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db(replicaOfB));
      const sql = fakeSql({ writersLeft: 1 });

      await expect(failbackSteps.switchover(env(sql.ops))).rejects.toThrow(
        /write fence on demo-replica did not take .* sessions still holding a write transaction: 1/,
      );

      expect(sql.calls).toEqual(["fence b-db", "lift b-db"]);
      expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    });

    it("never promotes while P is behind B's fenced position: on timeout it lifts the fence", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db(replicaOfB));
      const sql = fakeSql({}, [4096]);

      await expect(failbackSteps.switchover(env(sql.ops))).rejects.toThrow(
        /gave up waiting for demo-primary to replay/,
      );

      expect(sql.calls.at(-1)).toBe("lift b-db");
      expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    });

    it("waits for P's targets to be healthy on AWS, not only in local mode", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .resolvesOnce(db(replicaOfB))
        .resolves(db({ ReadReplicaSourceDBInstanceIdentifier: undefined }));
      rds.on(PromoteReadReplicaCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      elb.on(DescribeTargetHealthCommand).resolves({
        TargetHealthDescriptions: [
          { TargetHealth: { State: "unhealthy", Reason: "Target.FailedHealthChecks" } },
        ],
      });

      await expect(failbackSteps.switchover(env(fakeSql().ops))).rejects.toThrow(
        /gave up waiting for healthy targets in eu-west-1's target group/,
      );
    });
  });

  describe("unlatch", () => {
    const latchKey = { Bucket: config.dns.latch.bucket, Key: config.dns.latch.key };
    /** The latch object in B: DeleteObject answers 204 whether or not it exists (API_DeleteObject). */
    function modelLatch(present: boolean) {
      const latch = { present };
      s3.on(DeleteObjectCommand, latchKey).callsFake(() => {
        latch.present = false;
        return { $metadata: { httpStatusCode: 204 } };
      });
      // API_GetObject: NoSuchKey (404) to a caller with s3:ListBucket
      s3.on(GetObjectCommand, latchKey).callsFake(() => {
        if (!latch.present)
          throw new NoSuchKey({
            message: "The specified key does not exist.",
            $metadata: { httpStatusCode: 404 },
          });
        return { Body: { transformToString: async () => "{}" } };
      });
      return latch;
    }
    it("deletes the latch object and waits until GetObject reads it absent", async () => {
      // Prepare
      const latch = modelLatch(true);
      cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ StateValue: "OK" }] });
      // Act
      const result = await failbackSteps.unlatch(env(fakeSql().ops));
      // Assess
      expect(latch.present).toBe(false);
      expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(1);
      expect(result.detail).toContain("removed (reads absent)");
    });

    it("is safe to re-run: no latch object is no change", async () => {
      modelLatch(false);
      cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ StateValue: "OK" }] });
      const result = await failbackSteps.unlatch(env(fakeSql().ops));
      expect(result.outcome).toBe("done");
    });

    it("stops at once when B's S3 denies the read-back (AccessDenied will not clear by waiting)", async () => {
      modelLatch(true);
      s3.on(GetObjectCommand).rejects(
        new S3ServiceException({
          name: "AccessDenied",
          $fault: "client",
          message: "Access Denied",
          $metadata: { httpStatusCode: 403 },
        }),
      );
      await expect(failbackSteps.unlatch(env(fakeSql().ops, { timeoutMs: 60_000 }))).rejects.toThrow(
        /latch object .* absent: AwsCallError: s3:GetObject: AccessDenied.*will not clear by waiting/,
      );
    });

    it("does not take PRIMARY for an answer when Route 53 gives it because no record is healthy", async () => {
      modelLatch(false);
      const e = env(fakeSql().ops, {
        // Route 53: "if no record in a group is healthy, it answers as if all were": PRIMARY first
        dns: async () => ({
          role: "PRIMARY",
          target: P.alb.dnsName,
          reason: "both unhealthy: Route 53 answers PRIMARY",
        }),
      });

      await expect(failbackSteps.unlatch(e)).rejects.toThrow(
        /gave up waiting for .* answering P because P is healthy/,
      );
    });
  });
});
