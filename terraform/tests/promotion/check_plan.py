"""Checks a post-failover plan (terraform show -json on stdin).

  reattaches   the control: without the lifecycle rule, the plan wants the promoted database
               to replicate from the old primary again (what would fail on AWS).
  role-switch  active_region = backup: nothing is replaced or destroyed; the promoted database
               only becomes Multi-AZ, applied at once (not in the maintenance window), keeps a
               final snapshot and stops automatic minor upgrades (as P's database); the latch,
               the backup's capacity and the fence of the old primary's group (0/0/0) are left as
               the failover function set them.
"""

import json
import sys

REPLICA = "module.pilotlight.module.database_replica.aws_db_instance.replica"
PRIMARY_ASG = "module.pilotlight.module.app_primary.aws_autoscaling_group.managed[0]"
BACKUP_ASG = "module.pilotlight.module.app_backup.aws_autoscaling_group.external[0]"
HEALTH_CHECK = "module.pilotlight.module.dns.aws_route53_health_check.primary"
ROLE_SWITCH_REPLICA_KEYS = {
    "multi_az",
    "apply_immediately",
    "skip_final_snapshot",
    "final_snapshot_identifier",
    "auto_minor_version_upgrade",
}


def changed_keys(change):
    before, after, unknown = change["before"] or {}, change["after"] or {}, change.get("after_unknown") or {}
    return sorted(k for k in set(before) | set(after) if unknown.get(k) is True or before.get(k) != after.get(k))


def main(mode):
    plan = json.load(sys.stdin)
    changes = {rc["address"]: rc["change"] for rc in plan.get("resource_changes", [])}
    acting = {a: c for a, c in changes.items() if c["actions"] != ["no-op"] and c["actions"] != ["read"]}
    for address, change in sorted(acting.items()):
        print(f"  {'/'.join(change['actions']):>14} {address}: {', '.join(changed_keys(change))}")
    errors = []
    replica = changes.get(REPLICA)
    if replica is None:
        errors.append(f"{REPLICA} is not in the plan")
    elif mode == "reattaches":
        if replica["actions"] == ["no-op"] or "replicate_source_db" not in changed_keys(replica):
            errors.append("the control plan does not touch replicate_source_db: the test cannot tell the rule's absence")
    elif mode == "role-switch":
        for address, change in acting.items():
            if "delete" in change["actions"]:
                errors.append(f"{address} would be {'replaced' if 'create' in change['actions'] else 'destroyed'}")
        if replica["actions"] != ["update"]:
            errors.append(f"the promoted database's actions are {replica['actions']}, expected an in-place update")
        extra = set(changed_keys(replica)) - ROLE_SWITCH_REPLICA_KEYS
        if extra:
            errors.append(f"the promoted database would change {sorted(extra)} (allowed: {sorted(ROLE_SWITCH_REPLICA_KEYS)})")
        if (replica.get("after") or {}).get("multi_az") is not True:
            errors.append("the promoted database does not become Multi-AZ")
        # ModifyDBInstance defers a MultiAZ change to the maintenance window unless ApplyImmediately.
        if (replica.get("after") or {}).get("apply_immediately") is not True:
            errors.append("the role switch is not applied immediately (it would wait for the maintenance window)")
        for address in (HEALTH_CHECK, BACKUP_ASG, PRIMARY_ASG):
            if address in acting:
                errors.append(f"{address} would change: the failover function owns it after a failover")
        # The state holds the failover's fence (states.py): the switch keeps it, a no-op at 0/0/0.
        after = (changes.get(PRIMARY_ASG) or {}).get("after") or {}
        if (after.get("min_size"), after.get("max_size"), after.get("desired_capacity")) != (0, 0, 0):
            errors.append("the old primary's group is not fenced at zero")
    else:
        errors.append(f"unknown mode {mode}")
    if errors:
        print("check_plan.py: " + "; ".join(errors), file=sys.stderr)
        sys.exit(1)
    print(f"check_plan.py: {mode}: ok")


if __name__ == "__main__":
    main(sys.argv[1])
