# The operator's least-privilege policy for the CLI (status, readiness, rto, drill, failback,
# approve): one list (operator-permissions.json, beside this file), shared with the IAM contract
# tests (test/iam). Output as JSON for the operators' role or group; this module attaches it nowhere.
locals {
  operator_permissions = jsondecode(file("${path.module}/operator-permissions.json"))
  # partition and account of this deployment, as its lock table's ARN names them
  operator_arn_parts = split(":", module.failover.lock_table_arn)
  operator_partition = local.operator_arn_parts[1]
  operator_account   = local.operator_arn_parts[4]
  operator_resources = {
    config_parameter_any_region = ["arn:${local.operator_partition}:ssm:*:${local.operator_account}:parameter${local.config_parameter_name}"]
    ami_parameter               = ["arn:${local.operator_partition}:ssm:${var.regions.backup}::parameter${module.app_backup.ami_parameter}"]
    lock_table                  = [module.failover.lock_table_arn]
    ops_key                     = [module.failover.ops_kms_key_arn]
    ops_topic                   = [module.failover.ops_topic_arn]
    alarm_topic                 = [module.dns.alarm_topic_arn]
    alarm                       = [module.dns.alarm_arn]
    endpoint_checks             = [module.dns.health_check_arn, module.dns.backup_health_check_arn]
    latch_object                = [module.latch.object_arn]
    latch_bucket                = [module.latch.bucket_arn]
    hosted_zone                 = ["arn:${local.operator_partition}:route53:::hostedzone/${var.dns_zone_id}"]
    # failback's own names (src/cli/failback/plan.ts): the fenced old primary, the retired replica, the snapshot
    primary_dbs        = [module.database.db_instance_arn, "${module.database.db_instance_arn}-fenced-*"]
    replica_dbs        = [module.database_replica.db_instance_arn, "${module.database_replica.db_instance_arn}-retired-*"]
    failback_new_dbs   = [module.database.db_instance_arn, module.database_replica.db_instance_arn]
    failback_snapshots = ["arn:${local.operator_partition}:rds:${var.regions.primary}:${local.operator_account}:snapshot:${module.database.db_instance_id}-failback-*"]
    asgs               = [module.app_primary.autoscaling_group_arn, module.app_backup.autoscaling_group_arn]
    db_secrets         = [module.database.secret_arn, module.database.secret_replica_arn, module.database.app_secret_arn, module.database.app_secret_replica_arn]
    db_kms_keys        = [module.database.kms_key_arn, module.database_replica.kms_key_arn]
    failover_function  = [module.failover.function_arn]
    failover_role      = [module.failover.role_arn]
    ec2_quotas         = ["arn:${local.operator_partition}:servicequotas:${var.regions.backup}:${local.operator_account}:ec2/*"]
    "*"                = ["*"]
  }
  operator_policy = {
    Version = "2012-10-17"
    Statement = [for s in local.operator_permissions.statements : merge(
      { Sid = s.sid, Effect = "Allow", Action = s.actions, Resource = local.operator_resources[s.resource] },
      can(s.condition) ? { Condition = s.condition } : {},
    )]
  }
}
