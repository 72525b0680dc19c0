import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { type DeploymentConfig, DeploymentConfigError, parseDeploymentConfig } from "./config.js";

/** Environment variable naming the SSM parameter that holds the deployment-config document. */
export const CONFIG_PARAMETER_ENV = "PILOTLIGHT_CONFIG_PARAMETER";

/** The parameter name Terraform's `config` module writes for a deployment. */
export function configParameterName(deployment: string): string {
  return `/pilotlight/${deployment}/config`;
}

/**
 * Reads the deployment-config document from SSM Parameter Store. Pass a client of the backup
 * region: the document lives there so that it can be read while the primary region is down.
 */
export async function loadDeploymentConfig(ssm: SSMClient, parameterName: string): Promise<DeploymentConfig> {
  let value: string | undefined;
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: parameterName }));
    value = out.Parameter?.Value;
  } catch (cause) {
    const err = cause as { name?: string; message?: string };
    const hint =
      err.name === "ParameterNotFound"
        ? "Check the deployment name and the backup region, or run terraform apply first."
        : "Check credentials and that the region is the backup region.";
    throw new DeploymentConfigError(
      `cannot read deployment config ${parameterName}: ${err.name ?? "Error"}: ${err.message ?? ""}. ${hint}`,
      [],
      { cause },
    );
  }
  if (!value) {
    throw new DeploymentConfigError(`deployment config ${parameterName} is empty. Re-run terraform apply.`);
  }
  return parseDeploymentConfig(value, `SSM parameter ${parameterName}`);
}
