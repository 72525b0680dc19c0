import { SSMClient } from "@aws-sdk/client-ssm";
import { type CallingProgram, recordCalls } from "../../aws/call-recorder.js";
import type { DeploymentConfig } from "../../core/config.js";
import { CONFIG_PARAMETER_ENV, loadDeploymentConfig } from "../../core/config-source.js";

/**
 * Reads the deployment config named by PILOTLIGHT_CONFIG_PARAMETER from SSM in the function's own
 * region (B; Lambda sets AWS_REGION). A harness passes its own `env` to run the handler in-process.
 */
export function configFromEnvironment(
  program: CallingProgram,
  env = process.env,
): () => Promise<DeploymentConfig> {
  return async () => {
    const name = env[CONFIG_PARAMETER_ENV];
    if (!name) throw new Error(`${CONFIG_PARAMETER_ENV} is not set; the Terraform failover module sets it`);
    const ssm = new SSMClient(env.AWS_REGION ? { region: env.AWS_REGION } : {});
    return loadDeploymentConfig(recordCalls(ssm, program), name);
  };
}
