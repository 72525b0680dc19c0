import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { awsError } from "../../../test/fixtures/aws-error.js";
import { dynamoDbOperationRecordPort } from "./aws-ports.js";
import {
  acted,
  beginOperation,
  createdAfterIncident,
  nextStep,
  type OperationRecord,
  operationRecordKey,
  stepFinished,
  stepStarted,
} from "./operation-record.js";

const now = Date.parse("2026-12-03T07:00:00.000Z");
const incident = { incidentId: "acme-20261203t060000z", completedAt: "2026-12-03T06:10:00.000Z" };
const order = ["a", "b", "c"];
const fresh = () =>
  beginOperation(undefined, "acme", "failback", incident, "alice", "20261203t070000", now).record;

describe("operation record", () => {
  it("keys one item per operation beside the deployment's lock item", () => {
    expect(operationRecordKey("acme", "failback")).toBe("acme#failback");
    expect(fresh()).toMatchObject({ key: "acme#failback", version: 0, stamp: "20261203t070000" });
  });

  it("resumes the stored record of the same incident, its stamp and acts kept", () => {
    const stored = acted(fresh(), "rename", { id: "db", to: "db-fenced-20261203t070000" }, now);
    const again = beginOperation(stored, "acme", "failback", incident, "bob", "20261203t090000", now + 1);
    expect(again).toEqual({ record: stored, resumed: true });
  });

  it("starts anew over a closed record of the same incident, carrying its version", () => {
    const closed = { ...fresh(), version: 4, closedAt: "2026-12-03T08:00:00.000Z" };
    const { record, resumed } = beginOperation(
      closed,
      "acme",
      "failback",
      incident,
      "bob",
      "20261203t090000",
      now,
    );
    expect(resumed).toBe(false);
    expect(record).toMatchObject({ version: 4, stamp: "20261203t090000", steps: {}, acts: {} });
    expect(record.closedAt).toBeUndefined();
  });

  it("replaces the record of an earlier incident, carrying its version for the conditional write", () => {
    const old = { ...fresh(), incidentId: "acme-20261101t000000z", version: 7 };
    const { record, resumed } = beginOperation(
      old,
      "acme",
      "failback",
      incident,
      "bob",
      "20261203t090000",
      now,
    );
    expect(resumed).toBe(false);
    expect(record).toMatchObject({
      incidentId: incident.incidentId,
      stamp: "20261203t090000",
      version: 7,
      acts: {},
    });
  });

  it("continues at the first step not done, and refuses a record that skipped one", () => {
    let r = stepFinished(stepStarted(fresh(), "a", now), "a", "done", "ok", now);
    expect(nextStep(r, order)).toBe("b");
    r = stepStarted(r, "b", now);
    expect(nextStep(r, order)).toBe("b");
    r = stepFinished(stepFinished(r, "b", "skipped", "already", now), "c", "done", "ok", now);
    expect(nextStep(r, order)).toBeUndefined();
    const broken = stepStarted(fresh(), "c", now);
    expect(() => nextStep(broken, order)).toThrow(/step c began while a is not done/);
  });

  it("bumps the version on every change, never on a repeated act, and refuses a different one", () => {
    const r1 = acted(fresh(), "rename", { id: "db", to: "db-kept" }, now);
    expect(r1.version).toBe(1);
    expect(acted(r1, "rename", { id: "db", to: "db-kept" }, now)).toBe(r1);
    expect(() => acted(r1, "rename", { id: "db", to: "db-other" }, now)).toThrow(/recorded as db -> db-kept/);
  });

  it("tells an instance created after the incident completed from the old one", () => {
    expect(createdAfterIncident(new Date("2026-12-03T06:30:00Z"), incident.completedAt)).toBe(true);
    expect(createdAfterIncident(new Date("2026-01-01T00:00:00Z"), incident.completedAt)).toBe(false);
    expect(createdAfterIncident(undefined, incident.completedAt)).toBe(false);
  });
});

describe("dynamoDbOperationRecordPort", () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterEach(() => ddb.reset());
  const port = () =>
    dynamoDbOperationRecordPort(new DynamoDBClient({ region: "eu-west-1" }), "locks", "acme", "failback");

  it("reads with ConsistentRead under the record's key and names the deployment (API_GetItem)", async () => {
    const stored = { ...fresh(), deployment: "acme#failback", version: 2 };
    ddb
      .on(GetCommand, { TableName: "locks", Key: { deployment: "acme#failback" }, ConsistentRead: true })
      .resolves({ Item: stored });
    expect(await port().read()).toEqual({ ...stored, deployment: "acme" });
  });

  it("writes conditionally on the version read; a failed condition is a lost write (API_PutItem)", async () => {
    const next: OperationRecord = { ...fresh(), version: 3 };
    ddb
      .on(PutCommand)
      .resolvesOnce({})
      .rejectsOnce(awsError("ConditionalCheckFailedException", "The conditional request failed"));
    expect(await port().write(next)).toBe(true);
    expect(await port().write(next)).toBe(false);
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Item: { deployment: "acme#failback", version: 3 },
      ConditionExpression: "attribute_not_exists(deployment) OR #version = :previous",
      ExpressionAttributeValues: { ":previous": 2 },
    });
  });
});
