import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBInstanceReadReplicaCommand,
  type CreateDBInstanceReadReplicaCommandInput,
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
import { awsError } from "../../../test/fixtures/aws-error.js";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { failbackRecordFor, failbackTestEnv } from "../../../test/fixtures/failback-env.js";
import { Clients } from "../../aws/clients.js";
import { databasePortFor } from "../../functions/shared/aws-ports.js";
import type { OperationRecord } from "../../functions/shared/operation-record.js";
import { ExitCode } from "../exit-codes.js";
import { type FenceCheck, FenceError, type SqlEndpoint } from "./sql.js";
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

/** The region an instance of this deployment lives in (a cross-region replica names its source by ARN). */
const regionOf = (id: string) => (id.startsWith(B.db.instanceId) ? B.region : P.region);

/**
 * The instances of both regions as the RDS API reference describes them: DescribeDBInstances answers
 * DBInstanceNotFound for an unknown identifier; ModifyDBInstance answers InvalidDBInstanceState
 * unless the instance is available, and with NewDBInstanceIdentifier renames (ApplyImmediately):
 * the old name reads "renaming" for `renameReads` reads, then neither name is found for as many,
 * then the new one reads available; CreateDBInstanceReadReplica starts a replica "creating", which
 * turns "available" before its StatusInfos report "read replication": "replicating"
 * (DBInstanceStatusInfo), and refuses an encrypted source in another region without KmsKeyId ("you
 * must specify a KMS key identifier for the destination AWS Region"; the error code is the common
 * InvalidParameterCombination); PromoteReadReplica answers InvalidDBInstanceState unless available,
 * then drops the source link and reads "modifying" once before available.
 */
function modelRds(
  instances: Record<string, DBInstance>,
  replicatesAfter = 2,
  {
    renameReads = 0,
    modifyingReads = {} as Record<string, number>,
    renamingAtStart = undefined as [string, string] | undefined,
  } = {},
) {
  const reads = new Map<string, number>();
  const modifying = new Map(Object.entries(modifyingReads));
  const renames = new Map<string, { to: string; left: number; gone: number }>();
  // an interrupted run's rename still under way: RDS holds the instance under its new name already
  if (renamingAtStart)
    renames.set(renamingAtStart[0], { to: renamingAtStart[1], left: renameReads, gone: renameReads });
  const notFound = (id: string) => awsError("DBInstanceNotFoundFault", `DBInstance ${id} not found.`);
  const notAvailable = (id: string) =>
    awsError("InvalidDBInstanceStateFault", `Database instance ${id} is not in available state.`);
  rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
    const id = input.DBInstanceIdentifier;
    for (const [from, r] of renames) {
      if (r.left === 0 && r.gone === 0) {
        renames.delete(from);
        continue;
      }
      if (id === from && r.left > 0) {
        r.left -= 1;
        return {
          DBInstances: [{ ...instances[r.to], DBInstanceIdentifier: from, DBInstanceStatus: "renaming" }],
        };
      }
      if (id === r.to && (r.left > 0 || r.gone > 0)) {
        if (r.left === 0) r.gone -= 1;
        throw notFound(id);
      }
    }
    const found = instances[id];
    if (!found || renames.has(id)) throw notFound(id);
    const m = modifying.get(id);
    if (m !== undefined && m > 0) {
      modifying.set(id, m - 1);
      return { DBInstances: [{ ...found, DBInstanceStatus: "modifying" }] };
    }
    const n = reads.get(id);
    if (n !== undefined) {
      reads.set(id, n + 1);
      found.DBInstanceStatus = n >= 1 ? "available" : "creating";
      if (n >= replicatesAfter) Object.assign(found, replicatingInfo);
    }
    return { DBInstances: [{ ...found }] };
  });
  const status = (id: string) => {
    const m = modifying.get(id);
    return m !== undefined && m > 0 ? "modifying" : instances[id]?.DBInstanceStatus;
  };
  rds
    .on(ModifyDBInstanceCommand)
    .callsFake(
      (input: { DBInstanceIdentifier: string; NewDBInstanceIdentifier?: string; MultiAZ?: boolean }) => {
        const id = input.DBInstanceIdentifier;
        const found = instances[id];
        if (!found || renames.has(id)) throw notFound(id);
        if (status(id) !== "available") throw notAvailable(id);
        if (input.NewDBInstanceIdentifier) {
          delete instances[id];
          instances[input.NewDBInstanceIdentifier] = {
            ...found,
            DBInstanceIdentifier: input.NewDBInstanceIdentifier,
          };
          if (renameReads > 0)
            renames.set(id, { to: input.NewDBInstanceIdentifier, left: renameReads, gone: renameReads });
        }
        if (input.MultiAZ !== undefined) found.MultiAZ = input.MultiAZ;
        return { DBInstance: found };
      },
    );
  rds.on(CreateDBInstanceReadReplicaCommand).callsFake((input: CreateDBInstanceReadReplicaCommandInput) => {
    const id = input.DBInstanceIdentifier as string;
    if (instances[id] || renames.has(id))
      throw awsError("DBInstanceAlreadyExistsFault", `DBInstance ${id} already exists.`);
    const source = input.SourceDBInstanceIdentifier as string;
    if (source.split(":")[3] !== regionOf(id) && !input.KmsKeyId)
      throw awsError(
        "InvalidParameterCombination",
        "Cross-region encrypted read replica needs a KMS key of the destination region: specify KmsKeyId",
      );
    instances[id] = {
      DBInstanceIdentifier: id,
      DBInstanceStatus: "creating",
      ReadReplicaSourceDBInstanceIdentifier: source,
      MultiAZ: input.MultiAZ ?? false,
      AutoMinorVersionUpgrade: input.AutoMinorVersionUpgrade ?? true,
      DeletionProtection: input.DeletionProtection ?? false,
      InstanceCreateTime: new Date(),
    };
    reads.set(id, 0);
    return { DBInstance: instances[id] };
  });
  rds.on(PromoteReadReplicaCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
    const id = input.DBInstanceIdentifier;
    const found = instances[id];
    if (!found) throw notFound(id);
    if (status(id) !== "available" || !found.ReadReplicaSourceDBInstanceIdentifier) throw notAvailable(id);
    delete found.ReadReplicaSourceDBInstanceIdentifier;
    found.StatusInfos = [];
    modifying.set(id, 1);
    return { DBInstance: found };
  });
  return instances;
}

/** A standalone instance with the settings a rebuilt replica copies. */
const standalone = (id: string, region: string): DBInstance => ({
  DBInstanceIdentifier: id,
  DBInstanceStatus: "available",
  InstanceCreateTime: new Date("2026-01-01T00:00:00.000Z"),
  DBInstanceClass: "db.t4g.micro",
  DBParameterGroups: [{ DBParameterGroupName: `${id}-pg`, ParameterApplyStatus: "in-sync" }],
  KmsKeyId: `arn:aws:kms:${region}:123456789012:key/abcd`,
  DBSubnetGroup: { DBSubnetGroupName: `${id}-subnets` },
  VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0123", Status: "active" }],
});

function fakeSql(fence: Partial<FenceCheck> | FenceError = {}, behind: number[] = [0]) {
  const calls: string[] = [];
  const ops: SwitchoverSql = {
    fenceWrites: async (ep) => {
      calls.push(`fence ${ep.host}`);
      if (fence instanceof FenceError) throw fence; // sql.ts lifts a fence it cannot observe, then throws
      return { ended: 1, otherWriters: 0, lsn: "0/3000060", ...fence };
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

function env(sqlOps: SwitchoverSql, over: Partial<FailbackEnv> = {}, record?: OperationRecord): FailbackEnv {
  const at = (host: string): SqlEndpoint => ({
    host,
    port: 5432,
    user: "u",
    password: "p",
    database: "d",
    ssl: false,
    app: { user: "app", password: "a" },
  });
  return failbackTestEnv(
    config,
    {
      sql: { primary: async () => at("p-db"), backup: async () => at("b-db") },
      sqlOps,
      ...over,
    },
    record,
  );
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
    /** DescribeDBInstances' answer as the database port reads it (the functions' and the CLI's one reading). */
    const read = async (over: Partial<DBInstance>) => {
      rds.on(DescribeDBInstancesCommand).resolves(db(over));
      return databasePortFor(new Clients(), P.region).describe(P.db.instanceId);
    };

    it('needs "available" and a "read replication" status of "replicating" (RDS DBInstanceStatusInfo)', async () => {
      expect(replicating(await read({ ...replicatingInfo }))).toBe(true);
      expect(replicating(await read({}))).toBe(false);
      expect(
        replicating(
          await read({ StatusInfos: [{ StatusType: "read replication", Status: "error", Normal: false }] }),
        ),
      ).toBe(false);
      expect(
        replicating(
          await read({
            StatusInfos: [{ StatusType: "read replication", Status: "replication stop point reached" }],
          }),
        ),
      ).toBe(false);
      expect(replicating(await read({ DBInstanceStatus: "modifying", ...replicatingInfo }))).toBe(false);
    });
  });

  describe("reverse-replication", () => {
    it("is done when the new replica replicates, not when it is merely available", async () => {
      const instances = modelRds({ [P.db.instanceId]: standalone(P.db.instanceId, P.region) });
      const log: string[] = [];

      const out = await failbackSteps["reverse-replication"](env(fakeSql().ops, { log: (m) => log.push(m) }));

      expect(out.outcome).toBe("done");
      expect(instances[P.db.instanceId]?.StatusInfos).toEqual(replicatingInfo.StatusInfos);
      expect(Object.keys(instances)).toContain("demo-primary-fenced-20261203t070000");
      // it waited through "creating" and "available" without a replication status
      expect(
        log.filter((m) => m.startsWith("waiting for demo-primary available and replicating")),
      ).toHaveLength(1);
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

  describe("rebuild-backup-replica", () => {
    const retired = "demo-replica-retired-20261203t070000";

    it("replaces B's standalone database by a replica of P with its settings, done when it replicates", async () => {
      const instances = modelRds({ [B.db.instanceId]: standalone(B.db.instanceId, B.region) });

      const out = await failbackSteps["rebuild-backup-replica"](env(fakeSql().ops));

      expect(out.outcome).toBe("done");
      expect(instances[retired]?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
      expect(instances[B.db.instanceId]).toMatchObject({
        ReadReplicaSourceDBInstanceIdentifier: P.db.arn,
        DBInstanceStatus: "available",
        ...replicatingInfo,
      });
      // a cross-region replica takes its own region's parameter group, key and subnets (CreateDBInstanceReadReplica)
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)[0]?.args[0].input).toEqual({
        DBInstanceIdentifier: B.db.instanceId,
        SourceDBInstanceIdentifier: P.db.arn,
        DBInstanceClass: "db.t4g.micro",
        DBParameterGroupName: `${B.db.instanceId}-pg`,
        KmsKeyId: `arn:aws:kms:${B.region}:123456789012:key/abcd`,
        DBSubnetGroupName: `${B.db.instanceId}-subnets`,
        VpcSecurityGroupIds: ["sg-0123"],
      });
    });

    it("resumes an earlier run: a replica already there is only waited for", async () => {
      modelRds({
        [B.db.instanceId]: {
          DBInstanceIdentifier: B.db.instanceId,
          DBInstanceStatus: "available",
          ReadReplicaSourceDBInstanceIdentifier: P.db.arn,
          ...replicatingInfo,
        },
      });

      const out = await failbackSteps["rebuild-backup-replica"](env(fakeSql().ops));

      expect(out.detail).toContain(`already replicates from ${P.db.arn}`);
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
    });

    it("gives up, naming the condition, while the new replica does not replicate", async () => {
      modelRds({ [B.db.instanceId]: standalone(B.db.instanceId, B.region) }, Number.POSITIVE_INFINITY);

      await expect(failbackSteps["rebuild-backup-replica"](env(fakeSql().ops))).rejects.toThrow(
        /gave up waiting for demo-replica available and replicating/,
      );
    });

    it("keeps waiting while RDS refuses the rename (InvalidDBInstanceState), gives up naming it, and creates nothing", async () => {
      modelRds({ [B.db.instanceId]: standalone(B.db.instanceId, B.region) });
      // ModifyDBInstance: InvalidDBInstanceState, "the DB instance isn't in the available state" (RDS API
      // reference): it clears once the instance is available, so it is waited on, bounded by --timeout
      rds
        .on(ModifyDBInstanceCommand)
        .rejects(awsError("InvalidDBInstanceStateFault", "Database instance is not in available state."));

      await expect(failbackSteps["rebuild-backup-replica"](env(fakeSql().ops))).rejects.toThrow(
        /gave up waiting for demo-replica available to rename it/,
      );
      expect(rds.commandCalls(ModifyDBInstanceCommand).length).toBeGreaterThan(1);
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
    });

    it("fails at once, without waiting out the timeout, when RDS denies the read (AccessDenied)", async () => {
      modelRds({ [B.db.instanceId]: standalone(B.db.instanceId, B.region) });
      rds
        .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: B.db.instanceId })
        .callsFakeOnce(() => ({ DBInstances: [standalone(B.db.instanceId, B.region)] }))
        .callsFakeOnce(() => ({ DBInstances: [standalone(B.db.instanceId, B.region)] }))
        .rejects(awsError("AccessDenied", "User is not authorized to perform: rds:DescribeDBInstances"));

      const started = Date.now();
      await expect(
        failbackSteps["rebuild-backup-replica"](env(fakeSql().ops, { timeoutMs: 60_000 })),
      ).rejects.toThrow(/AccessDenied.*will not clear by waiting/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe("resume from the failback record, and the deployment's settings (issue 19)", () => {
    // an interrupted run's stamp: a re-run would draw another one from the clock
    const earlier = "20261201t000000";
    const fencedEarlier = `${P.db.instanceId}-fenced-${earlier}`;
    const retiredEarlier = `${B.db.instanceId}-retired-${earlier}`;
    const at = "2026-12-03T07:00:00.000Z";
    const done = (...ids: string[]) =>
      Object.fromEntries(
        ids.map((id) => [id, { startedAt: at, finishedAt: at, outcome: "done" as const, detail: "" }]),
      );
    const started = (id: string) => ({ [id]: { startedAt: at } });
    /** The old P as Terraform created it (terraform/modules/database): the settings the new P must have. */
    const oldPrimary = (id: string): DBInstance => ({
      ...standalone(id, P.region),
      MultiAZ: true,
      AutoMinorVersionUpgrade: false,
      DeletionProtection: true,
      EnabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      TagList: [
        { Key: "project", Value: "demo" },
        // "aws:" is reserved: AddTagsToResource refuses keys with that prefix (RDS API reference, Tag)
        { Key: "aws:cloudformation:stack-name", Value: "x" },
      ],
    });
    const keySettings = (id: string, region: string) => ({
      KmsKeyId: `arn:aws:kms:${region}:123456789012:key/abcd`,
      DBSubnetGroupName: `${id}-subnets`,
      DBParameterGroupName: `${id}-pg`,
      VpcSecurityGroupIds: ["sg-0123"],
    });
    const createInput = () => rds.commandCalls(CreateDBInstanceReadReplicaCommand)[0]?.args[0].input;
    const renamedP = (over: Partial<OperationRecord> = {}) =>
      failbackRecordFor(config, {
        stamp: earlier,
        steps: { ...done("fence", "snapshot"), ...started("reverse-replication") },
        acts: { "rename-primary": { id: P.db.instanceId, to: fencedEarlier, at } },
        ...over,
      });

    it("defect 2: a resume after P's rename finds the renamed instance by the record's name and creates the replica with its KMS key, subnets, parameter group and security groups", async () => {
      const instances = modelRds({ [fencedEarlier]: oldPrimary(fencedEarlier) });

      const out = await failbackSteps["reverse-replication"](env(fakeSql().ops, {}, renamedP()));

      expect(out.outcome).toBe("done");
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
      expect(createInput()).toMatchObject(keySettings(fencedEarlier, P.region));
      expect(instances[P.db.instanceId]?.ReadReplicaSourceDBInstanceIdentifier).toBe(B.db.arn);
    });

    it("resumes through a rename still under way (old name 'renaming', then neither name found): no second rename", async () => {
      modelRds({ [fencedEarlier]: oldPrimary(fencedEarlier) }, 2, {
        renameReads: 2,
        renamingAtStart: [P.db.instanceId, fencedEarlier],
      });

      const out = await failbackSteps["reverse-replication"](env(fakeSql().ops, {}, renamedP()));

      expect(out.outcome).toBe("done");
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(1);
      expect(createInput()).toMatchObject(keySettings(fencedEarlier, P.region));
    });

    it("records the rename before the call, and creates the replica only once the kept name reads available", async () => {
      modelRds({ [P.db.instanceId]: oldPrimary(P.db.instanceId) }, 2, { renameReads: 2 });
      const e = env(fakeSql().ops);

      await failbackSteps["reverse-replication"](e);

      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(1);
      expect(e.progress.act("rename-primary")).toMatchObject({
        id: P.db.instanceId,
        to: `${P.db.instanceId}-fenced-${e.progress.current.stamp}`,
      });
      expect(e.progress.act("create-primary-replica")).toMatchObject({ id: P.db.instanceId, to: B.db.arn });
      expect(createInput()).toMatchObject({ KmsKeyId: `arn:aws:kms:${P.region}:123456789012:key/abcd` });
    });

    it("defect 8: creates the new P with the old P's settings: Multi-AZ at creation, no auto minor upgrade, deletion protection, parameter group, tags, log exports", async () => {
      modelRds({ [P.db.instanceId]: oldPrimary(P.db.instanceId) });

      await failbackSteps["reverse-replication"](env(fakeSql().ops));

      expect(createInput()).toMatchObject({
        ...keySettings(P.db.instanceId, P.region),
        MultiAZ: true,
        AutoMinorVersionUpgrade: false,
        DeletionProtection: true,
        EnableCloudwatchLogsExports: ["postgresql", "upgrade"],
        Tags: [{ Key: "project", Value: "demo" }],
      });
    });

    it("defect 1: never renames a standalone P created after the incident completed (a failback's promoted P)", async () => {
      modelRds({
        [P.db.instanceId]: {
          ...oldPrimary(P.db.instanceId),
          InstanceCreateTime: new Date("2026-12-03T06:30:00Z"),
        },
      });

      await expect(failbackSteps["reverse-replication"](env(fakeSql().ops))).rejects.toThrow(
        /created .* after incident .* completed/,
      );
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
    });

    it("issue 19 #9: renaming a standalone P is not answered by --yes: without a terminal or --accept-data-loss it refuses and renames nothing; the deployment's name typed answers it", async () => {
      modelRds({ [P.db.instanceId]: oldPrimary(P.db.instanceId) });
      const asked: string[] = [];
      const noTerminal = env(fakeSql().ops, { yes: true, acceptDataLoss: false });
      await expect(failbackSteps["reverse-replication"](noTerminal)).rejects.toMatchObject({
        exitCode: ExitCode.aborted,
        message: expect.stringContaining("--accept-data-loss"),
      });
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
      expect(noTerminal.progress.act("rename-primary")).toBeUndefined();

      const typed = env(fakeSql().ops, {
        acceptDataLoss: false,
        io: {
          out: () => undefined,
          err: () => undefined,
          confirm: async () => true,
          ask: async (q) => {
            asked.push(q);
            return config.deployment;
          },
        },
      });
      await failbackSteps["reverse-replication"](typed);
      expect(asked.join("")).toContain(`rename ${P.db.instanceId}`);
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(1);
    });

    it("defect 3: step 8 resumes after B's rename from the record: no second rename, the replica made with the kept B's settings", async () => {
      modelRds({ [retiredEarlier]: standalone(retiredEarlier, B.region) });
      const record = failbackRecordFor(config, {
        stamp: earlier,
        steps: {
          ...done(
            "fence",
            "snapshot",
            "reverse-replication",
            "restore-primary-capacity",
            "switchover",
            "unlatch",
            "scale-backup-down",
          ),
          ...started("rebuild-backup-replica"),
        },
        acts: { "rename-backup": { id: B.db.instanceId, to: retiredEarlier, at } },
      });

      const out = await failbackSteps["rebuild-backup-replica"](env(fakeSql().ops, {}, record));

      expect(out.outcome).toBe("done");
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
      expect(createInput()).toMatchObject({
        SourceDBInstanceIdentifier: P.db.arn,
        ...keySettings(retiredEarlier, B.region),
      });
    });

    it("waits out InvalidDBInstanceState while B is modifying, then renames it once", async () => {
      const instances = modelRds({ [B.db.instanceId]: standalone(B.db.instanceId, B.region) }, 2, {
        modifyingReads: { [B.db.instanceId]: 3 },
      });

      const out = await failbackSteps["rebuild-backup-replica"](env(fakeSql().ops, { timeoutMs: 5_000 }));

      expect(out.outcome).toBe("done");
      expect(instances[`${B.db.instanceId}-retired-20261203t070000`]).toBeDefined();
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(1);
    });

    it("defect 8: promotes only once P is available (InvalidDBInstanceState while P is modifying), and changes no Multi-AZ after: P was created Multi-AZ", async () => {
      modelRds(
        {
          [P.db.instanceId]: {
            ...oldPrimary(P.db.instanceId),
            ...replicaOfB,
            ...replicatingInfo,
            InstanceCreateTime: new Date("2026-12-03T07:10:00Z"),
          },
        },
        2,
        { modifyingReads: { [P.db.instanceId]: 2 } },
      );
      elb.on(DescribeTargetHealthCommand).resolves({
        TargetHealthDescriptions: [
          { TargetHealth: { State: "healthy" } },
          { TargetHealth: { State: "healthy" } },
        ],
      });
      const sql = fakeSql();

      const out = await failbackSteps.switchover(env(sql.ops, { timeoutMs: 5_000 }));

      expect(out.outcome).toBe("done");
      expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(1);
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    });

    it("a re-run after the promotion was recorded neither fences B again nor promotes twice: it finishes the switchover", async () => {
      modelRds({
        [P.db.instanceId]: {
          ...oldPrimary(P.db.instanceId),
          InstanceCreateTime: new Date("2026-12-03T07:10:00Z"),
        },
      });
      elb.on(DescribeTargetHealthCommand).resolves({
        TargetHealthDescriptions: [
          { TargetHealth: { State: "healthy" } },
          { TargetHealth: { State: "healthy" } },
        ],
      });
      const sql = fakeSql();
      const record = failbackRecordFor(config, {
        steps: {
          ...done("fence", "snapshot", "reverse-replication", "restore-primary-capacity"),
          ...started("switchover"),
        },
        acts: {
          "fence-backup-writes": { id: B.db.instanceId, at },
          "promote-primary": { id: P.db.instanceId, at },
        },
      });

      const out = await failbackSteps.switchover(env(sql.ops, {}, record));

      expect(out.outcome).toBe("done");
      expect(sql.calls).toEqual(["lift p-db", "writes p-db"]);
      expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    });
  });

  describe("switchover", () => {
    it("fences B, waits for P to replay B's fenced WAL position, then promotes with the deployment's backup settings", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .resolvesOnce(db(replicaOfB))
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
      // P was created Multi-AZ (reverse-replication): no modification races the next step
      expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    });

    it("never promotes when the fence did not take (sql.ts lifted it and says what to look for)", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db(replicaOfB));
      const sql = fakeSql(
        new FenceError(
          "the write fence on b-db:5432 did not take (...); it was lifted and nothing else changed",
          true,
        ),
      );

      await expect(failbackSteps.switchover(env(sql.ops))).rejects.toThrow(
        /write fence on b-db:5432 did not take/,
      );

      expect(sql.calls).toEqual(["fence b-db"]);
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

    it("issue 19 #10: is done when P's deep /health answers 200 through P's ALB (its database writable), not when its targets pass /healthz", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .resolvesOnce(db(replicaOfB))
        .resolves(db({ ReadReplicaSourceDBInstanceIdentifier: undefined }));
      rds.on(PromoteReadReplicaCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      // the target group checks the shallow /healthz: P's targets are healthy since step 4
      elb.on(DescribeTargetHealthCommand).resolves({
        TargetHealthDescriptions: [
          { TargetHealth: { State: "healthy" } },
          { TargetHealth: { State: "healthy" } },
        ],
      });
      const probes: string[] = [];
      await expect(
        failbackSteps.switchover(
          env(fakeSql().ops, {
            primaryHealth: async () => {
              probes.push("/health");
              return false;
            },
          }),
        ),
      ).rejects.toThrow(/gave up waiting for P's \/health answering 200 through P's ALB/);
      expect(probes.length).toBeGreaterThan(0);
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
