// Writes or removes the latch object of an applied deployment in B through the functions' own latch
// port (latchPortFor), as the failover and failback do: scripts/test-terraform plans the state a
// failover leaves against a standing latch. Done when a read back sees the object present (write)
// or absent (remove). Reads the deployment-config document (terraform output -raw deployment_config)
// on stdin. The calls are the harness's (they play the failover), not an operator's (IAM contract).
// usage: terraform output -raw deployment_config | node_modules/.bin/tsx scripts/latch.ts write|remove
import { readFileSync } from "node:fs";
import { Clients } from "../src/aws/clients.js";
import { parseDeploymentConfig } from "../src/core/config.js";
import { latchPortFor } from "../src/functions/shared/aws-ports.js";

const action = process.argv[2];
if (action !== "write" && action !== "remove") {
  console.error("usage: terraform output -raw deployment_config | tsx scripts/latch.ts write|remove");
  process.exit(2);
}
const config = parseDeploymentConfig(readFileSync(0, "utf8"), "terraform output deployment_config");
const clients = new Clients().forLocalHarness();
const latch = latchPortFor(clients, config);
const where = `s3://${config.dns.latch.bucket}/${config.dns.latch.key}`;
try {
  if (action === "write") {
    await latch.write({
      deployment: config.deployment,
      incidentId: "scripts-test-terraform",
      latchedAt: new Date().toISOString(),
      by: "scripts/test-terraform",
      checksFingerprint: config.dns.latch.checksFingerprint,
    });
  } else {
    await latch.remove();
  }
  const present = (await latch.read()) !== undefined;
  if (present !== (action === "write")) {
    console.error(`latch: ${where} reads ${present ? "present" : "absent"} after ${action}`);
    process.exit(1);
  }
  console.log(`latch: ${where} ${present ? "stands" : "removed"} (read back)`);
} finally {
  clients.destroy();
}
