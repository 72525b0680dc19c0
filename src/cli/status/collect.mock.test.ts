import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsError } from "../../../test/fixtures/aws-error.js";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { Clients } from "../../aws/clients.js";
import { collectStatus } from "./collect.js";

// status reads each region's database through the functions' database port: the same
// DescribeDBInstances and ReplicaLag reading as the failover and readiness functions. The SDK
// answers as the RDS and CloudWatch API references document; the other parts are left unanswered.

const rds = mockClient(RDSClient);
const cw = mockClient(CloudWatchClient);
const others = [
  mockClient(AutoScalingClient),
  mockClient(ElasticLoadBalancingV2Client),
  mockClient(Route53Client),
  mockClient(S3Client),
];
const config = exampleConfig();
const P = config.primary;
const B = config.backup;

const fault = (name: string, httpStatusCode: number) => awsError(name, `${name} answer`, { httpStatusCode });

describe("status: the databases through the database port", () => {
  beforeEach(() => {
    for (const m of [rds, cw, ...others]) m.reset();
  });
  afterEach(() => {
    for (const m of [rds, cw, ...others]) m.reset();
  });

  it("shows a replica's source and its last ReplicaLag datapoint, and a standalone one as primary", async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: P.db.instanceId }).resolves({
      DBInstances: [{ DBInstanceIdentifier: P.db.instanceId, DBInstanceStatus: "available" }],
    });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: B.db.instanceId }).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: B.db.instanceId,
          DBInstanceStatus: "available",
          ReadReplicaSourceDBInstanceIdentifier: P.db.arn,
          StatusInfos: [{ StatusType: "read replication", Status: "replicating", Normal: true }],
        },
      ],
    });
    // GetMetricStatistics: datapoints come unordered (API_GetMetricStatistics); the latest one counts
    cw.on(GetMetricStatisticsCommand).resolves({
      Datapoints: [
        { Timestamp: new Date(Date.now() - 120_000), Maximum: 9 },
        { Timestamp: new Date(Date.now() - 60_000), Maximum: 2 },
      ],
    });

    const view = await collectStatus(new Clients(), config, async () => undefined);

    expect(view.primary.database).toEqual({
      ok: true,
      value: { instanceId: P.db.instanceId, status: "available", role: "primary" },
    });
    expect(view.backup.database).toEqual({
      ok: true,
      value: {
        instanceId: B.db.instanceId,
        status: "available",
        role: "replica",
        source: P.db.arn,
        replicaLagSeconds: 2,
      },
    });
  });

  it("tells an answer (DBInstanceNotFound, AccessDenied) from a region that does not answer", async () => {
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: P.db.instanceId })
      .rejects(fault("DBInstanceNotFoundFault", 404));
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: B.db.instanceId })
      .rejects(fault("AccessDenied", 403));

    const view = await collectStatus(new Clients(), config, async () => undefined);

    expect(view.primary.database).toMatchObject({
      ok: false,
      unreachable: false,
      error: expect.stringMatching(/not found/),
    });
    expect(view.backup.database).toMatchObject({
      ok: false,
      unreachable: false,
      error: expect.stringMatching(/AccessDenied/),
    });
  });
});
