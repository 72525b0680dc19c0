import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { databasePortFor } from "../../functions/shared/aws-ports.js";
import type { Expectation } from "../drill/report.js";
import type { DnsAnswer } from "./steps.js";

/** What a finished failback must show, either mode: DNS answers P, P is the primary, B its replica. */
export async function failbackExpectations(
  clients: Clients,
  config: DeploymentConfig,
  dns: DnsAnswer,
): Promise<Expectation[]> {
  const P = config.primary;
  const B = config.backup;
  const pDb = await databasePortFor(clients, P.region).describe(P.db.instanceId);
  const bDb = await databasePortFor(clients, B.region).describe(B.db.instanceId);
  return [
    {
      name: "DNS answers P",
      ok: dns.role === "PRIMARY",
      detail: `${dns.role} ${dns.target} (${dns.reason})`,
    },
    {
      name: `${P.db.instanceId} is the standalone primary`,
      ok: !!pDb && !pDb.sourceId,
      detail: `${pDb?.status}`,
    },
    {
      name: `${B.db.instanceId} replicates from P again`,
      ok: !!bDb?.sourceId,
      detail: `source ${bDb?.sourceId ?? "none"}`,
    },
  ];
}
