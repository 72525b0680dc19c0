data "aws_caller_identity" "current" {
  provider = aws.primary
}

data "aws_partition" "current" {
  provider = aws.primary
}

data "aws_region" "backup" {
  provider = aws.backup
}

locals {
  family = "postgres${var.engine_version}"
  # moto looks a cross-region replica's subnet group up in the source region, and AWS allows the
  # same name in both regions: one name serves both (DESIGN.md "Local mode").
  subnet_group_name = "${var.name}-db"
  key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
  # Query logging and TLS-only connections (the same in both regions: the replica becomes the primary).
  parameters = {
    "rds.force_ssl"              = "1"
    "log_statement"              = "ddl"
    "log_min_duration_statement" = "1000"
  }
}

# --- keys: one per region; the replica and the secret's replica use the backup region's ---

resource "aws_kms_key" "primary" {
  provider = aws.primary

  description             = "${var.name}: database and credentials in the primary region"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.key_policy
  tags                    = var.tags
}

resource "aws_kms_alias" "primary" {
  provider = aws.primary

  name          = "alias/${var.name}-db"
  target_key_id = aws_kms_key.primary.key_id
}

resource "aws_kms_key" "backup" {
  provider = aws.backup

  description             = "${var.name}: database replica and credentials replica in the backup region"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.key_policy
  tags                    = var.tags
}

resource "aws_kms_alias" "backup" {
  provider = aws.backup

  name          = "alias/${var.name}-db"
  target_key_id = aws_kms_key.backup.key_id
}

# --- credentials: generated once, kept in a secret of the primary replicated to the backup ---

# A data source instead of the random provider (not available here). It yields a new value on every
# read, so the consumers ignore later changes: the first apply's value is the password.
data "aws_secretsmanager_random_password" "master" {
  provider = aws.primary

  password_length     = 32
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "db" {
  provider = aws.primary

  name                    = "pilotlight/${var.name}/db"
  description             = "${var.name}: PostgreSQL master credentials (replicated to the backup region)"
  kms_key_id              = aws_kms_key.primary.arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
  #checkov:skip=CKV2_AWS_57:Rotation would change the password on the primary while the replica region reads the replicated secret; rotate with the runbook in docs/terraform.md instead.

  replica {
    region     = data.aws_region.backup.region
    kms_key_id = aws_kms_key.backup.arn
  }
}

resource "aws_secretsmanager_secret_version" "db" {
  provider = aws.primary

  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    engine   = "postgres"
    username = var.username
    password = data.aws_secretsmanager_random_password.master.random_password
    dbname   = var.db_name
    port     = var.port
  })

  lifecycle {
    ignore_changes = [secret_string]
  }
}

# --- network ---

resource "aws_db_subnet_group" "primary" {
  provider = aws.primary

  name       = local.subnet_group_name
  subnet_ids = var.primary.subnet_ids
  tags       = var.tags
}

resource "aws_db_subnet_group" "backup" {
  provider = aws.backup

  name       = local.subnet_group_name
  subnet_ids = var.backup.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "primary" {
  provider = aws.primary

  name        = "${var.name}-db"
  description = "PostgreSQL from the app instances only"
  vpc_id      = var.primary.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-db" })
  #checkov:skip=CKV2_AWS_5:Attached to the database instance (checkov does not follow the reference).
}

resource "aws_vpc_security_group_ingress_rule" "primary" {
  provider = aws.primary

  security_group_id            = aws_security_group.primary.id
  description                  = "PostgreSQL from the app instances"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.primary.app_security_group_id
}

resource "aws_security_group" "backup" {
  provider = aws.backup

  name        = "${var.name}-db"
  description = "PostgreSQL from the app instances only"
  vpc_id      = var.backup.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-db" })
  #checkov:skip=CKV2_AWS_5:Attached to the replica instance (checkov does not follow the reference).
}

resource "aws_vpc_security_group_ingress_rule" "backup" {
  provider = aws.backup

  security_group_id            = aws_security_group.backup.id
  description                  = "PostgreSQL from the app instances"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.backup.app_security_group_id
}

resource "aws_db_parameter_group" "primary" {
  provider = aws.primary

  name_prefix = "${var.name}-"
  family      = local.family
  description = "${var.name}: TLS only, DDL and slow-query logging"
  tags        = var.tags

  dynamic "parameter" {
    for_each = local.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_parameter_group" "backup" {
  provider = aws.backup

  name_prefix = "${var.name}-"
  family      = local.family
  description = "${var.name}: TLS only, DDL and slow-query logging"
  tags        = var.tags

  dynamic "parameter" {
    for_each = local.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

# --- instances ---

resource "aws_db_instance" "primary" {
  provider = aws.primary

  identifier                          = "${var.name}-primary"
  engine                              = "postgres"
  engine_version                      = var.engine_version
  instance_class                      = var.instance_class
  allocated_storage                   = var.allocated_storage
  max_allocated_storage               = var.max_allocated_storage
  storage_type                        = "gp3"
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.primary.arn
  db_name                             = var.db_name
  username                            = var.username
  password                            = data.aws_secretsmanager_random_password.master.random_password
  port                                = var.port
  multi_az                            = true
  db_subnet_group_name                = aws_db_subnet_group.primary.name
  vpc_security_group_ids              = [aws_security_group.primary.id]
  parameter_group_name                = aws_db_parameter_group.primary.name
  publicly_accessible                 = false
  backup_retention_period             = var.backup_retention_days
  copy_tags_to_snapshot               = true
  deletion_protection                 = var.deletion_protection
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${var.name}-primary-final"
  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.primary.arn
  tags                                = var.tags
  #checkov:skip=CKV_AWS_118:Enhanced monitoring needs a monitoring role and costs per instance; Performance Insights and the exported logs cover this deployment's needs.
  #checkov:skip=CKV2_AWS_8:Backups are RDS automated backups (backup_retention_days) plus the standby replica; an AWS Backup plan is the organisation's choice.

  lifecycle {
    # The password is the first apply's (see the data source); the secret holds it.
    ignore_changes = [password]
  }
}

# The cross-region read replica: encrypted with the backup region's key, sourced by ARN.
resource "aws_db_instance" "replica" {
  provider = aws.backup

  identifier              = "${var.name}-replica"
  replicate_source_db     = aws_db_instance.primary.arn
  instance_class          = var.instance_class
  storage_type            = "gp3"
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.backup.arn
  port                    = var.port
  multi_az                = var.promoted || var.replica_multi_az
  db_subnet_group_name    = aws_db_subnet_group.backup.name
  vpc_security_group_ids  = [aws_security_group.backup.id]
  parameter_group_name    = aws_db_parameter_group.backup.name
  publicly_accessible     = false
  backup_retention_period = var.backup_retention_days
  copy_tags_to_snapshot   = true
  deletion_protection     = var.deletion_protection
  # AWS refuses a final snapshot of a read replica; once promoted, the database keeps one.
  skip_final_snapshot                 = !var.promoted
  final_snapshot_identifier           = var.promoted ? "${var.name}-replica-final" : null
  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.backup.arn
  tags                                = var.tags
  #checkov:skip=CKV_AWS_157:The standby replica is single-AZ by default (pilot-light cost); replica_multi_az turns it on and the role switch makes the promoted database Multi-AZ.
  #checkov:skip=CKV_AWS_118:Enhanced monitoring needs a monitoring role and costs per instance; Performance Insights and the exported logs cover this deployment's needs.
  #checkov:skip=CKV2_AWS_8:Backups are RDS automated backups (backup_retention_days); an AWS Backup plan is the organisation's choice.

  lifecycle {
    # After a promotion AWS reports no source; a configuration that still names it would plan to
    # re-attach the promoted database (and that apply fails). The source is set at creation only.
    ignore_changes = [replicate_source_db]
  }
}
