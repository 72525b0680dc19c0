import { UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";

/** Scales P's group to zero: no instance of P writes to the old primary database any more. */
export async function fencePrimaryGroup(clients: Clients, config: DeploymentConfig): Promise<void> {
  await clients.autoScaling(config.primary.region).send(
    new UpdateAutoScalingGroupCommand({
      AutoScalingGroupName: config.primary.asg.name,
      MinSize: 0,
      DesiredCapacity: 0,
    }),
  );
}

/** Undoes `fencePrimaryGroup` where the drill's failover never took over. */
export async function restorePrimaryGroup(clients: Clients, config: DeploymentConfig): Promise<void> {
  const n = config.primary.asg.desiredCapacity;
  await clients.autoScaling(config.primary.region).send(
    new UpdateAutoScalingGroupCommand({
      AutoScalingGroupName: config.primary.asg.name,
      MinSize: n,
      DesiredCapacity: n,
    }),
  );
}
