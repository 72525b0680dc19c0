import { type DBInstance, DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { awsError } from "../../../test/fixtures/aws-error.js";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { failbackRecordFor, failbackTestEnv, testIncident } from "../../../test/fixtures/failback-env.js";
import { Clients } from "../../aws/clients.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import type { OperationRecord } from "../../functions/shared/operation-record.js";
import type { StepId } from "./plan.js";
import { preflight } from "./preflight.js";
import { failbackSteps, runFailbackSteps } from "./steps.js";

// A failback interrupted after any step and run again: the record in B's lock table (key
// `<deployment>#failback`) says which steps are done, and the re-run continues after them without
// repeating one. The steps themselves are spied here (their own resume is steps.mock.test.ts); the
// preflight reads the record and the lock item through the SDK, mocked to answer as DynamoDB and
// RDS document (GetItem with ConsistentRead; DescribeDBInstances' DBInstanceNotFound).

const config = exampleConfig();
const P = config.primary;
const B = config.backup;
const ORDER: StepId[] = [
  "fence",
  "snapshot",
  "reverse-replication",
  "restore-primary-capacity",
  "switchover",
  "unlatch",
  "scale-backup-down",
  "rebuild-backup-replica",
  "close-incident",
];
const at = "2026-12-03T07:00:00.000Z";
const doneThrough = (n: number) =>
  Object.fromEntries(
    ORDER.slice(0, n).map((id) => [
      id,
      { startedAt: at, finishedAt: at, outcome: "done" as const, detail: "" },
    ]),
  );

describe("failback re-run after an interruption (issue 19)", () => {
  const called: StepId[] = [];
  beforeEach(() => {
    called.length = 0;
    for (const id of ORDER)
      vi.spyOn(failbackSteps, id).mockImplementation(async () => {
        called.push(id);
        return { outcome: "done", detail: `${id} ran` };
      });
  });
  afterEach(() => vi.restoreAllMocks());

  for (let n = 0; n <= ORDER.length; n++) {
    const title =
      n === ORDER.length
        ? "record: every step done -> the re-run runs none"
        : `record: ${n === 0 ? "no step" : `steps 1-${n} (through ${ORDER[n - 1]})`} done -> the re-run continues at step ${n + 1} (${ORDER[n]}) and repeats none`;
    it(title, async () => {
      const record = failbackRecordFor(config, { steps: doneThrough(n) });
      const env = failbackTestEnv(config, {}, record);

      const results = await runFailbackSteps(env);

      expect(called).toEqual(ORDER.slice(n));
      expect(
        results.slice(0, n).every((r) => r.outcome === "skipped" && /recorded done/.test(r.detail)),
      ).toBe(true);
      // every step now reads done in the record
      expect(ORDER.every((id) => env.progress.current.steps[id]?.outcome !== undefined)).toBe(true);
    });
  }

  it("defect 1: a re-run after the switchover never fences P, snapshots, renames or promotes again", async () => {
    const env = failbackTestEnv(config, {}, failbackRecordFor(config, { steps: doneThrough(5) }));

    await runFailbackSteps(env);

    for (const id of ["fence", "snapshot", "reverse-replication", "switchover"] as const)
      expect(failbackSteps[id]).not.toHaveBeenCalled();
  });

  it("a step that started but did not finish is run again (its own acts say what is already done)", async () => {
    const record = failbackRecordFor(config, {
      steps: { ...doneThrough(2), "reverse-replication": { startedAt: at } },
    });
    const env = failbackTestEnv(config, {}, record);

    await runFailbackSteps(env);

    expect(called).toEqual(ORDER.slice(2));
  });
});

describe("failback preflight with the record (issue 19)", () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const rds = mockClient(RDSClient);
  const incident = testIncident(config);
  const completed = {
    deployment: config.deployment,
    state: "completed",
    incidentId: incident.incidentId,
    completedAt: incident.completedAt,
    attempts: 1,
    updatedAt: incident.completedAt,
  } as LockRecord;

  /** The lock table: the deployment's item and its `#failback` item, read with ConsistentRead (API_GetItem). */
  function modelTable(lock: LockRecord, record?: OperationRecord) {
    ddb.on(GetCommand).callsFake((input: { Key: { deployment: string }; ConsistentRead?: boolean }) => {
      expect(input.ConsistentRead).toBe(true);
      if (input.Key.deployment === config.deployment) return { Item: lock };
      if (input.Key.deployment === `${config.deployment}#failback` && record)
        return { Item: { ...record, deployment: input.Key.deployment } };
      return {};
    });
  }
  function modelDbs(dbs: Record<string, DBInstance>) {
    rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
      const found = dbs[input.DBInstanceIdentifier];
      if (!found)
        throw awsError("DBInstanceNotFoundFault", `DBInstance ${input.DBInstanceIdentifier} not found.`);
      return { DBInstances: [found] };
    });
  }
  const instance = (id: string, over: Partial<DBInstance> = {}): DBInstance => ({
    DBInstanceIdentifier: id,
    DBInstanceStatus: "available",
    InstanceCreateTime: new Date("2026-01-01T00:00:00Z"),
    ...over,
  });
  beforeEach(() => {
    ddb.reset();
    rds.reset();
  });

  it("defect 1: with no record, refuses a standalone P created after the incident completed (an earlier failback's new primary)", async () => {
    modelTable(completed);
    modelDbs({
      [B.db.instanceId]: instance(B.db.instanceId),
      [P.db.instanceId]: instance(P.db.instanceId, { InstanceCreateTime: new Date("2026-12-03T06:40:00Z") }),
    });
    await expect(preflight(new Clients(), config)).rejects.toThrow(/created .* after incident .* completed/);
  });

  it("defect 3: resumes step 8 with B renamed away (missing under its name): the record says the switchover is done", async () => {
    const record = failbackRecordFor(config, {
      stamp: "20261201t000000",
      steps: { ...doneThrough(7), "rebuild-backup-replica": { startedAt: at } },
      acts: {
        "rename-backup": { id: B.db.instanceId, to: `${B.db.instanceId}-retired-20261201t000000`, at },
      },
    });
    modelTable(completed, record);
    modelDbs({
      [P.db.instanceId]: instance(P.db.instanceId, { InstanceCreateTime: new Date("2026-12-03T07:10:00Z") }),
    });

    const out = await preflight(new Clients(), config);

    expect(out.stored?.stamp).toBe("20261201t000000");
  });

  it("defect 3: resumes when the incident was closed but the record does not say so yet (the run died after the close)", async () => {
    const record = failbackRecordFor(config, {
      steps: { ...doneThrough(8), "close-incident": { startedAt: at } },
    });
    modelTable({ ...completed, state: "unarmed", attempts: 0, closedAt: "2026-12-03T08:00:00.000Z" }, record);
    modelDbs({
      [P.db.instanceId]: instance(P.db.instanceId, { InstanceCreateTime: new Date("2026-12-03T07:10:00Z") }),
      [B.db.instanceId]: instance(B.db.instanceId, { ReadReplicaSourceDBInstanceIdentifier: P.db.arn }),
    });

    await expect(preflight(new Clients(), config)).resolves.toMatchObject({ incident });
  });

  it("still refuses a B that is a replica when the record has not reached the switchover", async () => {
    modelTable(completed);
    modelDbs({
      [B.db.instanceId]: instance(B.db.instanceId, { ReadReplicaSourceDBInstanceIdentifier: P.db.arn }),
      [P.db.instanceId]: instance(P.db.instanceId),
    });
    await expect(preflight(new Clients(), config)).rejects.toThrow(/still a replica/);
  });
});
