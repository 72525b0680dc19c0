"""Writes the states a refresh on AWS would return after a failover, from the local apply's state.

moto does not reflect a promotion (the replica keeps naming its source), so a plan after
PromoteReadReplica against moto proves nothing. These states are what AWS reports instead:

- promoted:    the replica has no replicate_source_db (it is a standalone instance now).
- failed-over: also what the failover function did: the backup's group at the failover capacity
               and P's group fenced at 0/0/0 (the latch is an object outside the state, which
               scripts/test-terraform writes in B with scripts/latch.ts; nothing in pilotlight
               inverts a check).

usage: python3 states.py <applied.tfstate> <promoted.tfstate> <failed-over.tfstate>
"""

import json
import sys


def instance(state, module, rtype, name):
    for r in state["resources"]:
        if r.get("module") == module and r["type"] == rtype and r["name"] == name and r["mode"] == "managed":
            return r["instances"][0]["attributes"]
    raise SystemExit(f"states.py: {module}.{rtype}.{name} not in the state")


def main(src, promoted_path, failed_over_path):
    with open(src) as f:
        state = json.load(f)

    replica = instance(state, "module.pilotlight.module.database_replica", "aws_db_instance", "replica")
    if not replica["replicate_source_db"]:
        raise SystemExit("states.py: the applied replica has no source; expected the primary's ARN")
    replica["replicate_source_db"] = ""
    with open(promoted_path, "w") as f:
        json.dump(state, f)

    config = json.loads(state["outputs"]["deployment_config"]["value"])
    capacity = config["backup"]["asg"]["failoverCapacity"]
    asg = instance(state, "module.pilotlight.module.app_backup", "aws_autoscaling_group", "external")
    asg.update(min_size=capacity["min"], max_size=capacity["max"], desired_capacity=capacity["desired"])
    # The fence: UpdateAutoScalingGroup with MinSize = MaxSize = DesiredCapacity = 0 on P's group.
    fenced = instance(state, "module.pilotlight.module.app_primary", "aws_autoscaling_group", "managed")
    fenced.update(min_size=0, max_size=0, desired_capacity=0)
    # The failover writes the latch object (outside Terraform's state) and never touches the checks.
    with open(failed_over_path, "w") as f:
        json.dump(state, f)
    print(f"states.py: promoted replica {replica['identifier']}; backup group at {capacity}; P's group fenced at 0/0/0")


if __name__ == "__main__":
    main(*sys.argv[1:4])
