// Issue 20, defect 1: after a failover users stay on B whatever B does. Local mode against moto:
// the fixture deployment, the real failover handler in-process, and "the DNS name" answered by the
// local resolver (answerLocal: Route 53's failover rule over the emulator's records and checks,
// with the checkers the harness plays). Route 53 answers the PRIMARY when no record of the pair is
// healthy (Developer Guide, "How Amazon Route 53 chooses records when health checking is
// configured"; API_ResourceRecordSet, Failover: "When the secondary resource record set is
// unhealthy, Route 53 responds ... with the primary"), so B losing its last healthy target after
// the failover must not make the SECONDARY unhealthy.

import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { beforeAll, describe, expect, it } from "vitest";
import { alarmEvent } from "../../test/fixtures/alarm.js";
import { createDeployment } from "../../test/fixtures/deployment.js";
import { Clients } from "../aws/clients.js";
import type { DeploymentConfig } from "../core/config.js";
import { createFailoverHandler } from "../functions/failover/index.js";
import { createFailoverClients, createFailoverPorts } from "../functions/shared/aws-ports.js";
import { configFromEnvironment } from "../functions/shared/config-env.js";
import { armDeployment } from "../functions/shared/incident.js";
import { silentLogger } from "../functions/shared/observability.js";
import { DOWN_ENDPOINT_REPORT, setCheckerReport } from "./emulator-control.js";
import { answerLocal } from "./harness.js";

/** Every target of B's target group leaves it (an instance refresh, a crash, an AZ event). */
async function loseEveryBackupTarget(config: DeploymentConfig): Promise<void> {
  const elb = new ElasticLoadBalancingV2Client({ region: config.backup.region });
  const TargetGroupArn = config.backup.alb.targetGroupArn;
  const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn }));
  const Targets = (health.TargetHealthDescriptions ?? []).flatMap((t) => (t.Target ? [t.Target] : []));
  expect(Targets.length).toBeGreaterThan(0);
  await elb.send(new DeregisterTargetsCommand({ TargetGroupArn, Targets }));
  const after = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn }));
  expect(after.TargetHealthDescriptions?.filter((t) => t.TargetHealth?.State === "healthy") ?? []).toEqual(
    [],
  );
}

describe("after a completed failover, DNS answers B whatever B does (issue 20, defect 1)", () => {
  let config: DeploymentConfig;
  let parameterName: string;
  const harness = new Clients().forLocalHarness();

  beforeAll(async () => {
    ({ config, parameterName } = await createDeployment({ deployment: `fb${Date.now().toString(36)}` }));
  });

  it("at rest, with B at zero and P failing, no record is healthy: Route 53 answers P (a flapping P keeps its traffic)", async () => {
    await setCheckerReport(
      process.env.AWS_ENDPOINT_URL ?? "",
      config.dns.healthCheckId,
      DOWN_ENDPOINT_REPORT,
    );
    const answer = await answerLocal(harness, config);
    expect(answer).toMatchObject({ role: "PRIMARY", target: expect.stringContaining("primary") });
    expect(answer.reason).toContain("no record healthy");
  });

  it("fails over, answers B, and keeps answering B once every B target is gone", async () => {
    // Prepare: the failover handler as Terraform deploys it, on the us-east-1 alarm's SNS event
    const clients = createFailoverClients(config);
    const handler = createFailoverHandler({
      loadConfig: configFromEnvironment("failover", {
        PILOTLIGHT_CONFIG_PARAMETER: parameterName,
        AWS_REGION: config.backup.region,
      }),
      ports: (c) => createFailoverPorts(c, clients),
      logger: silentLogger,
      metrics: { addMetric() {}, publishStoredMetrics() {} },
    });
    const ports = createFailoverPorts(config, clients);
    await armDeployment(ports.lock, config.deployment, "test: P seen healthy");
    // a drill record: the guard's proof that P's failure (played above) is a drill's
    await ports.signals.drill.write({
      deployment: config.deployment,
      startedAt: new Date().toISOString(),
      by: "test",
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    const [result] = await handler(alarmEvent(config));
    expect(result).toMatchObject({ outcome: "completed" });
    expect(await answerLocal(harness, config)).toMatchObject({ role: "SECONDARY" });

    // Act
    await loseEveryBackupTarget(config);

    // Assess: P is latched out and B has no healthy target; the SECONDARY must stay healthy
    const answer = await answerLocal(harness, config);
    expect(answer, answer.reason).toMatchObject({ role: "SECONDARY" });
  });
});
