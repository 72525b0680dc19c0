import {
  AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  type Instance,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateDBSnapshotCommand,
  type DBInstance,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsError } from "../../../test/fixtures/aws-error.js";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { failbackTestEnv, TEST_STAMP, testIncident } from "../../../test/fixtures/failback-env.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import { failbackNames } from "./plan.js";
import { type FailbackEnv, failbackSteps } from "./steps.js";

// The failback steps that act on groups, snapshots and the lock table, on the AWS path: each is done
// when its effect is observed, keeps waiting while AWS reports a pending state, gives up naming
// what it waited for, and stops at once on an answer that waiting will not change. The SDK is
// mocked to answer as the Auto Scaling, RDS and DynamoDB API references document.

const asg = mockClient(AutoScalingClient);
const rds = mockClient(RDSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const config = exampleConfig();
const P = config.primary;
const B = config.backup;
const stamp = TEST_STAMP;
const snapshotId = failbackNames(config, stamp).snapshot;

const env = (over: Partial<FailbackEnv> = {}) => failbackTestEnv(config, over);

const accessDenied = (action: string) =>
  awsError("AccessDenied", `User is not authorized to perform: ${action}`, { httpStatusCode: 403 });

/** AutoScalingInstanceDetails: LifecycleState Pending → InService → Terminating → gone; HealthStatus Healthy/Unhealthy. */
const instance = (n: number, LifecycleState: string, HealthStatus = "Healthy"): Instance =>
  ({
    InstanceId: `i-0000000000000000${n}`,
    AvailabilityZone: "eu-west-1a",
    LifecycleState,
    HealthStatus,
    ProtectedFromScaleIn: false,
  }) as Instance;

/**
 * One group as DescribeAutoScalingGroups answers it, its instances moving through `frames`, one
 * frame per read after the first UpdateAutoScalingGroup (the last frame stays). A name it does not
 * know is not an error: the answer lists only the groups that exist (API_DescribeAutoScalingGroups).
 */
function modelGroup(name: string, capacity: Partial<AutoScalingGroup>, frames: Instance[][]) {
  const g: AutoScalingGroup = {
    AutoScalingGroupName: name,
    MinSize: 0,
    MaxSize: 4,
    DesiredCapacity: 0,
    DefaultCooldown: 300,
    AvailabilityZones: ["eu-west-1a"],
    HealthCheckType: "ELB",
    CreatedTime: new Date(0),
    ...capacity,
    Instances: frames[0] ?? [],
  };
  let frame = 0;
  let updated = false;
  asg.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[] }) => {
    if (!input.AutoScalingGroupNames?.includes(name)) return { AutoScalingGroups: [] };
    if (updated) frame = Math.min(frame + 1, frames.length - 1);
    return { AutoScalingGroups: [{ ...g, Instances: frames[frame] ?? [] }] };
  });
  asg.on(UpdateAutoScalingGroupCommand).callsFake((input: Partial<AutoScalingGroup>) => {
    updated = true;
    Object.assign(g, input);
    return {};
  });
  return g;
}

describe("failback steps on groups, snapshots and the lock table (AWS path)", () => {
  beforeEach(() => {
    asg.reset();
    rds.reset();
    ddb.reset();
  });
  afterEach(() => {
    asg.reset();
    rds.reset();
    ddb.reset();
  });

  describe("fence", () => {
    it("scales P's group to 0 and is done when the group lists no instance, Terminating ones included", async () => {
      const g = modelGroup(P.asg.name, { MinSize: 2, DesiredCapacity: 2 }, [
        [instance(1, "InService"), instance(2, "InService")],
        [instance(1, "Terminating"), instance(2, "Terminating")],
        [instance(2, "Terminating")],
        [],
      ]);

      const out = await failbackSteps.fence(env());

      expect(out).toMatchObject({ outcome: "done", detail: `${P.asg.name} at 0, no instances left` });
      expect(g).toMatchObject({ MinSize: 0, DesiredCapacity: 0, MaxSize: 4 });
      expect(asg.commandCalls(DescribeAutoScalingGroupsCommand).length).toBeGreaterThanOrEqual(4);
    });

    it("skips a group already at 0 without instances (a re-run)", async () => {
      modelGroup(P.asg.name, { MinSize: 0, DesiredCapacity: 0 }, [[]]);
      const out = await failbackSteps.fence(env());
      expect(out.outcome).toBe("skipped");
      expect(asg.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
    });

    it("gives up, naming the condition, while an instance stays Terminating", async () => {
      modelGroup(P.asg.name, { MinSize: 2, DesiredCapacity: 2 }, [
        [instance(1, "InService")],
        [instance(1, "Terminating:Wait")],
      ]);
      await expect(failbackSteps.fence(env())).rejects.toThrow(
        /gave up waiting for demo-primary without instances/,
      );
    });

    it("fails at once when P's group does not exist: an empty answer is no reason to wait", async () => {
      modelGroup("someone-else", {}, [[]]);
      await expect(failbackSteps.fence(env({ timeoutMs: 60_000 }))).rejects.toThrow(
        /auto scaling group demo-primary not found in eu-west-1/,
      );
    });

    it("fails at once when Auto Scaling denies the read while waiting (AccessDenied)", async () => {
      const g = modelGroup(P.asg.name, { MinSize: 2, DesiredCapacity: 2 }, [[instance(1, "InService")]]);
      asg
        .on(DescribeAutoScalingGroupsCommand)
        .resolvesOnce({ AutoScalingGroups: [{ ...g }] })
        .rejects(accessDenied("autoscaling:DescribeAutoScalingGroups"));
      const started = Date.now();
      await expect(failbackSteps.fence(env({ timeoutMs: 60_000 }))).rejects.toThrow(
        /AccessDenied.*will not clear by waiting/,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe("restore-primary-capacity", () => {
    it("is done when the group counts the desired instances InService and Healthy", async () => {
      const g = modelGroup(P.asg.name, {}, [
        [],
        [instance(1, "Pending"), instance(2, "Pending")],
        [instance(1, "InService"), instance(2, "Pending")],
        [instance(1, "InService"), instance(2, "InService")],
      ]);

      const out = await failbackSteps["restore-primary-capacity"](env());

      expect(out.outcome).toBe("done");
      expect(g).toMatchObject({ MinSize: P.asg.desiredCapacity, DesiredCapacity: P.asg.desiredCapacity });
    });

    it("does not count an instance InService but Unhealthy (Auto Scaling is about to replace it)", async () => {
      modelGroup(P.asg.name, {}, [[], [instance(1, "InService"), instance(2, "InService", "Unhealthy")]]);
      await expect(failbackSteps["restore-primary-capacity"](env())).rejects.toThrow(
        /gave up waiting for 2 instances InService and Healthy in demo-primary/,
      );
    });

    it("fails at once when Auto Scaling refuses the change (AccessDenied)", async () => {
      modelGroup(P.asg.name, {}, [[]]);
      asg.on(UpdateAutoScalingGroupCommand).rejects(accessDenied("autoscaling:UpdateAutoScalingGroup"));
      await expect(failbackSteps["restore-primary-capacity"](env({ timeoutMs: 60_000 }))).rejects.toThrow(
        /not authorized/,
      );
    });
  });

  describe("scale-backup-down", () => {
    it("sets B's group to 0/0/0 and is done when it lists no instance", async () => {
      const g = modelGroup(B.asg.name, { MinSize: 2, MaxSize: 4, DesiredCapacity: 2 }, [
        [instance(1, "InService"), instance(2, "InService")],
        [instance(1, "Terminating"), instance(2, "Terminating")],
        [],
      ]);

      const out = await failbackSteps["scale-backup-down"](env());

      expect(out.outcome).toBe("done");
      expect(g).toMatchObject({ MinSize: 0, MaxSize: 0, DesiredCapacity: 0 });
    });

    it("gives up, naming the condition, while instances remain", async () => {
      modelGroup(B.asg.name, { MinSize: 2, DesiredCapacity: 2 }, [[instance(1, "Terminating")]]);
      await expect(failbackSteps["scale-backup-down"](env())).rejects.toThrow(
        /gave up waiting for demo-backup without instances/,
      );
    });

    it("fails at once when B's group does not exist, instead of reading 'no instances' as done", async () => {
      modelGroup("someone-else", {}, [[]]);
      asg.on(UpdateAutoScalingGroupCommand).resolves({});
      await expect(failbackSteps["scale-backup-down"](env({ timeoutMs: 60_000 }))).rejects.toThrow(
        /auto scaling group demo-backup not found in eu-central-1/,
      );
    });
  });

  describe("snapshot", () => {
    const oldPrimary = (over: Partial<DBInstance> = {}) => ({
      DBInstances: [{ DBInstanceIdentifier: P.db.instanceId, DBInstanceStatus: "available", ...over }],
    });
    /** DescribeDBSnapshots: DBSnapshotNotFound (404) for an unknown identifier, else its Status. */
    function modelSnapshot(statuses: string[]) {
      let created = false;
      rds.on(CreateDBSnapshotCommand).callsFake(() => {
        created = true;
        return { DBSnapshot: { DBSnapshotIdentifier: snapshotId, Status: "creating" } };
      });
      rds.on(DescribeDBSnapshotsCommand).callsFake(() => {
        if (!created)
          throw awsError("DBSnapshotNotFoundFault", `DBSnapshot ${snapshotId} not found.`, {
            httpStatusCode: 404,
          });
        const Status = statuses.length > 1 ? statuses.shift() : statuses[0];
        return { DBSnapshots: [{ DBSnapshotIdentifier: snapshotId, Status }] };
      });
      return { existing: () => (created = true) };
    }

    it("takes a snapshot of the old primary and is done when it reads available", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(oldPrimary());
      modelSnapshot(["creating", "creating", "available"]);

      const out = await failbackSteps.snapshot(env());

      expect(out).toMatchObject({ outcome: "done", detail: `snapshot ${snapshotId} available` });
      expect(rds.commandCalls(CreateDBSnapshotCommand)[0]?.args[0].input).toEqual({
        DBInstanceIdentifier: P.db.instanceId,
        DBSnapshotIdentifier: snapshotId,
      });
    });

    it("resumes the snapshot an earlier run started instead of answering DBSnapshotAlreadyExists", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(oldPrimary());
      modelSnapshot(["creating", "available"]).existing();

      const out = await failbackSteps.snapshot(env());

      expect(out.outcome).toBe("done");
      expect(rds.commandCalls(CreateDBSnapshotCommand)).toHaveLength(0);
    });

    it("is skipped once P is already the new replica", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .resolves(oldPrimary({ ReadReplicaSourceDBInstanceIdentifier: B.db.arn }));
      const out = await failbackSteps.snapshot(env());
      expect(out.outcome).toBe("skipped");
      expect(rds.commandCalls(CreateDBSnapshotCommand)).toHaveLength(0);
    });

    it("gives up, naming the condition, while the snapshot stays creating", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(oldPrimary());
      modelSnapshot(["creating"]);
      await expect(failbackSteps.snapshot(env())).rejects.toThrow(
        new RegExp(`gave up waiting for snapshot ${snapshotId} available`),
      );
    });

    it("fails at once when the snapshot fails (DBSnapshot Status failed)", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(oldPrimary());
      modelSnapshot(["creating", "failed"]);
      await expect(failbackSteps.snapshot(env({ timeoutMs: 60_000 }))).rejects.toThrow(
        new RegExp(`snapshot ${snapshotId} failed`),
      );
    });

    it("fails at once when RDS refuses the snapshot (CreateDBSnapshot: InvalidDBInstanceState)", async () => {
      // CreateDBSnapshot: "the source DB instance must be in the available or storage-optimization state"
      rds.on(DescribeDBInstancesCommand).resolves(oldPrimary({ DBInstanceStatus: "stopped" }));
      modelSnapshot(["creating"]);
      rds
        .on(CreateDBSnapshotCommand)
        .rejects(awsError("InvalidDBInstanceStateFault", "Instance demo-primary is not in available state."));
      await expect(failbackSteps.snapshot(env({ timeoutMs: 60_000 }))).rejects.toThrow(
        /not in available state/,
      );
    });

    it("fails at once when the old primary's region denies the read (AccessDenied)", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(oldPrimary());
      modelSnapshot(["creating"]);
      rds
        .on(DescribeDBSnapshotsCommand)
        .callsFakeOnce(() => {
          throw awsError("DBSnapshotNotFoundFault", "not found", { httpStatusCode: 404 });
        })
        .rejects(accessDenied("rds:DescribeDBSnapshots"));
      const started = Date.now();
      await expect(failbackSteps.snapshot(env({ timeoutMs: 60_000 }))).rejects.toThrow(
        /AccessDenied.*will not clear by waiting/,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe("close-incident", () => {
    const completed: LockRecord = {
      deployment: config.deployment,
      state: "completed",
      incidentId: `${config.deployment}-20261203t060000`,
      attempts: 1,
      completedAt: "2026-12-03T06:10:00.000Z",
      updatedAt: "2026-12-03T06:10:00.000Z",
    } as LockRecord;

    /**
     * The lock table item: GetItem with ConsistentRead returns the last write (API_GetItem); a
     * conditional PutItem whose condition fails answers ConditionalCheckFailedException (API_PutItem).
     */
    function modelLock(item: LockRecord | undefined) {
      const table = { item };
      ddb.on(GetCommand).callsFake((input: { ConsistentRead?: boolean }) => {
        expect(input.ConsistentRead).toBe(true);
        return { Item: table.item ? { ...table.item } : undefined };
      });
      ddb
        .on(PutCommand)
        .callsFake((input: { Item: LockRecord; ExpressionAttributeValues?: Record<string, unknown> }) => {
          const v = input.ExpressionAttributeValues ?? {};
          if (table.item?.state !== v[":state"] || table.item?.attempts !== v[":attempts"])
            throw awsError("ConditionalCheckFailedException", "The conditional request failed");
          table.item = input.Item;
          return {};
        });
      return table;
    }

    it("closes the completed incident and is done when the record reads closed", async () => {
      const table = modelLock(completed);

      const out = await failbackSteps["close-incident"](env());

      expect(out.outcome).toBe("done");
      expect(table.item).toMatchObject({ state: "unarmed", incidentId: completed.incidentId });
      expect(table.item?.closedAt).toBeDefined();
      expect(out.detail).toContain(`reads unarmed, closed at ${table.item?.closedAt}`);
      // read (is it closed already?), read before the conditional close, read back after
      expect(ddb.commandCalls(GetCommand)).toHaveLength(3);
    });

    it("is skipped, never closing twice, when an interrupted run closed this incident and died before recording it", async () => {
      const closedAt = "2026-12-03T08:00:00.000Z";
      modelLock({
        ...completed,
        incidentId: testIncident(config).incidentId,
        state: "unarmed",
        attempts: 0,
        closedAt,
      });
      const e = env();

      const out = await failbackSteps["close-incident"](e);

      expect(out).toMatchObject({
        outcome: "skipped",
        detail: expect.stringContaining(`already closed at ${closedAt}`),
      });
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
      expect(e.progress.current.closedAt).toBeDefined();
    });

    it("fails when another writer changed the record first (ConditionalCheckFailedException)", async () => {
      const table = modelLock(completed);
      ddb.on(PutCommand).callsFakeOnce(() => {
        table.item = { ...completed, attempts: 2 };
        throw awsError("ConditionalCheckFailedException", "The conditional request failed");
      });
      await expect(failbackSteps["close-incident"](env())).rejects.toThrow(/changed while closing it; retry/);
    });

    it("fails at once when DynamoDB denies the read (AccessDenied)", async () => {
      ddb
        .on(GetCommand)
        .rejects(awsError("AccessDeniedException", "not authorized to perform: dynamodb:GetItem"));
      await expect(failbackSteps["close-incident"](env({ timeoutMs: 60_000 }))).rejects.toThrow(
        /AccessDeniedException/,
      );
    });
  });
});
