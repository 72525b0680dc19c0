data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

resource "aws_kms_key" "this" {
  description             = "${var.name}: database replica and credentials replica in the backup region"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-db"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_db_subnet_group" "this" {
  # The primary's subnet group name (moto looks a cross-region replica's group up in the source
  # region; AWS allows the same name in both regions).
  name       = var.subnet_group_name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-db"
  description = "PostgreSQL from the app instances only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-db" })
  #checkov:skip=CKV2_AWS_5:Attached to the replica instance (checkov does not follow the reference).
}

resource "aws_vpc_security_group_ingress_rule" "app" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from the app instances"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.app_security_group_id

  lifecycle {
    # The emulator drops the description of a rule that references a group (a perpetual diff
    # there); a description is cosmetic, so later edits of it are not worth that diff.
    ignore_changes = [description]
  }
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-"
  family      = "postgres${var.engine_version}"
  description = "${var.name}: TLS only, DDL and slow-query logging"
  tags        = var.tags

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The promoted replica's final snapshot: a new name for each instance, kept from the plan that
# creates it (as the primary's: modules/database).
resource "terraform_data" "final_snapshot_suffix" {
  input            = formatdate("YYYYMMDDhhmmss", plantimestamp())
  triggers_replace = ["${var.name}-replica", aws_kms_key.this.arn]

  lifecycle {
    ignore_changes = [input]
  }
}

# The cross-region read replica: encrypted with this region's key, sourced by the primary's ARN.
resource "aws_db_instance" "replica" {
  identifier              = "${var.name}-replica"
  replicate_source_db     = var.source_db_arn
  instance_class          = var.instance_class
  storage_type            = "gp3"
  max_allocated_storage   = var.max_allocated_storage
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.this.arn
  port                    = var.port
  multi_az                = var.promoted || var.multi_az
  db_subnet_group_name    = aws_db_subnet_group.this.name
  vpc_security_group_ids  = [aws_security_group.this.id]
  parameter_group_name    = aws_db_parameter_group.this.name
  publicly_accessible     = false
  backup_retention_period = var.backup_retention_days
  backup_window           = var.backup_window
  maintenance_window      = var.maintenance_window
  copy_tags_to_snapshot   = true
  deletion_protection     = var.deletion_protection
  # The role switch takes effect at once. ModifyDBInstance applies a MultiAZ change "during the
  # next maintenance window unless ApplyImmediately" (RDS API reference): the refresh would keep
  # reading single-AZ and every plan show the diff again. (A retention change between nonzero
  # values is applied as soon as possible either way.) Before a promotion changes wait as usual.
  apply_immediately = var.promoted
  # AWS refuses a final snapshot of a read replica; once promoted, the database keeps one.
  skip_final_snapshot       = !var.promoted
  final_snapshot_identifier = var.promoted ? "${var.name}-replica-final-${terraform_data.final_snapshot_suffix.input}" : null
  # The standby keeps automatic minor upgrades (it serves no traffic; PostgreSQL upgrades standbys
  # before their primary); once promoted it is P's database, and stops them as the primary does.
  auto_minor_version_upgrade          = !var.promoted
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = var.performance_insights_enabled
  performance_insights_kms_key_id     = var.performance_insights_enabled ? aws_kms_key.this.arn : null
  tags                                = var.tags
  #checkov:skip=CKV_AWS_157:The standby replica is single-AZ by default (pilot-light cost); multi_az turns it on and the role switch makes the promoted database Multi-AZ.
  #checkov:skip=CKV_AWS_118:Enhanced monitoring needs a monitoring role and costs per instance; Performance Insights and the exported logs cover this deployment's needs.
  #checkov:skip=CKV2_AWS_8:Backups are RDS automated backups (backup_retention_days); an AWS Backup plan is the organisation's choice.
  #checkov:skip=CKV_AWS_226:The standby upgrades automatically; once promoted it is the primary, whose automatic minor upgrades would take it down for minutes and fail the region over (docs/terraform.md).

  lifecycle {
    # After a promotion AWS reports no source; a configuration that still names it would plan to
    # re-attach the promoted database (and that apply fails). The source is set at creation only.
    ignore_changes = [replicate_source_db]
  }
}
