# Only without account_id: the root passes B's, so that no plan needs P's STS (the role switch
# must plan while P is unreachable).
data "aws_caller_identity" "current" {
  count = var.account_id == null ? 1 : 0
}

data "aws_partition" "current" {}

locals {
  account_id = coalesce(var.account_id, one(data.aws_caller_identity.current[*].account_id))
  # moto looks a cross-region replica's subnet group up in the source region, and AWS allows the
  # same name in both regions: database-replica uses the same name (terraform/README.md, emulator gaps).
  subnet_group_name = "${var.name}-db"
  identifier        = "${var.name}-primary"

  # The master password: 128 bits from crypto/rand (uuid() reads 16 random bytes), passed only in
  # write-only arguments, so it is in neither state nor plan. Each run draws a new one, but it is
  # sent only at creation and when password_version changes; one local gives both the same value.
  # Not the ephemeral aws_secretsmanager_random_password: terraform test's mock providers in
  # Terraform 1.11 cannot open ephemeral resources (hashicorp/terraform#38608).
  master_password = replace(uuid(), "-", "")
  # The app's own role's password, drawn the same way; sent only when app_password_version changes.
  app_password = replace(uuid(), "-", "")
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: database and credentials in the primary region"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-db"
  target_key_id = aws_kms_key.this.key_id
}

# --- credentials: generated once, kept in a secret replicated to the backup region ---

resource "aws_secretsmanager_secret" "db" {
  name                    = "pilotlight/${var.name}/db"
  description             = "${var.name}: PostgreSQL master credentials (replicated to the backup region)"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
  #checkov:skip=CKV2_AWS_57:Rotation would change the password on the primary while the replica region reads the replicated secret; rotate with the runbook in docs/terraform.md instead.

  replica {
    region     = var.secret_replica.region
    kms_key_id = var.secret_replica.kms_key_arn
  }
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string_wo = jsonencode({
    engine   = "postgres"
    username = var.username
    password = local.master_password
    dbname   = var.db_name
    port     = var.port
  })
  secret_string_wo_version = var.password_version

  lifecycle {
    # Whenever the instance is sent a password (a new password_version, or an instance imported
    # after a failback, whose state has no version), the secret gets the same one in that apply.
    replace_triggered_by = [aws_db_instance.this.password_wo_version]
  }
}

# The app's own database role (not the master user, which could lift the failback's write fence):
# its login in a secret of its own, replicated to B like the master's, so B's instances start while
# P is down. Terraform draws the password; `pilotlight app-role` creates the role in the database
# with it, as the master user (the instances never hold the master credentials), and again after
# app_password_version is raised. The role itself reaches B through the WAL.
resource "aws_secretsmanager_secret" "app" {
  name                    = "pilotlight/${var.name}/db-app"
  description             = "${var.name}: the app's own PostgreSQL role (replicated to the backup region); the master credentials are in pilotlight/${var.name}/db"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
  #checkov:skip=CKV2_AWS_57:Rotated by raising app_password_version and running pilotlight app-role (docs/app.md): a Secrets Manager rotation Lambda would need the master credentials and a route into P's VPC.

  replica {
    region     = var.secret_replica.region
    kms_key_id = var.secret_replica.kms_key_arn
  }
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string_wo = jsonencode({
    engine   = "postgres"
    username = var.app_username
    password = local.app_password
    dbname   = var.db_name
    port     = var.port
  })
  secret_string_wo_version = var.app_password_version

  lifecycle {
    precondition {
      condition     = var.app_username != var.username
      error_message = "app_username must differ from the master user name (username): the app must never connect as the master user, which can lift the write fence."
    }
  }
}

# --- network ---

resource "aws_db_subnet_group" "this" {
  name       = local.subnet_group_name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-db"
  description = "PostgreSQL from the app instances only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-db" })
  #checkov:skip=CKV2_AWS_5:Attached to the database instance (checkov does not follow the reference).
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

# The final snapshot's name carries the instance's creation time: DeleteDBInstance refuses a
# FinalDBSnapshotIdentifier that exists (DBSnapshotAlreadyExists), so a fixed name fails every
# destroy or replacement after the first. Taken at the plan that creates the instance and then
# kept (ignore_changes): no later plan shows a diff. A new instance (a change of an argument that
# forces one) gets a new time.
resource "terraform_data" "final_snapshot_suffix" {
  input            = formatdate("YYYYMMDDhhmmss", plantimestamp())
  triggers_replace = [local.identifier, aws_kms_key.this.arn, var.db_name, var.username]

  lifecycle {
    ignore_changes = [input]
  }
}

# auto_minor_version_upgrade is off: on a Multi-AZ DB instance RDS upgrades the primary and the
# standby at the same time, and the database may be unavailable for several minutes
# (USER_UpgradeDBInstance.PostgreSQL), longer than the detection window, which rides out only a
# Multi-AZ failover: an automatic upgrade in the maintenance window would fail the region over.
# Upgrade on a schedule instead (docs/terraform.md). engine_version names a major version, so
# raising it is a major upgrade, which ModifyDBInstance refuses without AllowMajorVersionUpgrade;
# the parameter group of the new family goes in the same call.
resource "aws_db_instance" "this" {
  identifier                          = local.identifier
  engine                              = "postgres"
  engine_version                      = var.engine_version
  allow_major_version_upgrade         = true
  instance_class                      = var.instance_class
  allocated_storage                   = var.allocated_storage
  max_allocated_storage               = var.max_allocated_storage
  storage_type                        = "gp3"
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.this.arn
  db_name                             = var.db_name
  username                            = var.username
  password_wo                         = local.master_password
  password_wo_version                 = var.password_version
  port                                = var.port
  multi_az                            = true
  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.this.id]
  parameter_group_name                = aws_db_parameter_group.this.name
  publicly_accessible                 = false
  backup_retention_period             = var.backup_retention_days
  backup_window                       = var.backup_window
  maintenance_window                  = var.maintenance_window
  copy_tags_to_snapshot               = true
  deletion_protection                 = var.deletion_protection
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${local.identifier}-final-${terraform_data.final_snapshot_suffix.input}"
  auto_minor_version_upgrade          = false
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = var.performance_insights_enabled
  performance_insights_kms_key_id     = var.performance_insights_enabled ? aws_kms_key.this.arn : null
  tags                                = var.tags
  #checkov:skip=CKV_AWS_118:Enhanced monitoring needs a monitoring role and costs per instance; Performance Insights and the exported logs cover this deployment's needs.
  #checkov:skip=CKV2_AWS_8:Backups are RDS automated backups (backup_retention_days) plus the standby replica; an AWS Backup plan is the organisation's choice.
  #checkov:skip=CKV_AWS_226:Automatic minor upgrades take a Multi-AZ DB instance down for minutes, which would fail the region over; upgrades are scheduled (docs/terraform.md).
}
