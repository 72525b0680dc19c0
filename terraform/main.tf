# pilotlight: a two-region pilot-light deployment. The caller passes three providers by role:
# aws.primary (P), aws.backup (B) and aws.us_east_1 (Route 53 metrics; P may be us-east-1 too).

locals {
  tags                  = merge(var.tags, { "pilotlight:deployment" = var.deployment })
  config_parameter_name = "/pilotlight/${var.deployment}/config"
  # The role switch. P may be unreachable then, so nothing in P is read: P's modules take what they
  # would read from state, or from B (docs/terraform.md).
  failed_over = var.active_region == "backup"
  # P's group as the failover function fences it (UpdateAutoScalingGroup, docs/functions.md).
  fenced_capacity = { min = 0, max = 0, desired = 0 }
}

# The providers' regions are only known from the modules (a root module that receives its providers
# cannot hold data sources of its own and still validate alone), so this rule is a precondition.
resource "terraform_data" "providers_match_regions" {
  input = [module.network_primary.region, module.network_backup.region, module.dns.region]

  lifecycle {
    precondition {
      condition     = module.network_primary.region == var.regions.primary && module.network_backup.region == var.regions.backup && module.dns.region == "us-east-1"
      error_message = "The providers do not match the regions: aws.primary is in ${module.network_primary.region} (regions.primary = ${var.regions.primary}), aws.backup in ${module.network_backup.region} (regions.backup = ${var.regions.backup}), aws.us_east_1 in ${module.dns.region} (must be us-east-1)."
    }
  }
}

module "network_primary" {
  source    = "./modules/network"
  providers = { aws = aws.primary }

  name                    = "${var.deployment}-primary"
  cidr_block              = var.vpc_cidrs.primary
  availability_zone_count = var.availability_zone_count
  nat_gateway_enabled     = var.nat_gateway_enabled
  vpc_endpoints_enabled   = var.vpc_endpoints_enabled
  skip_region_reads       = local.failed_over
  tags                    = local.tags
}

module "network_backup" {
  source    = "./modules/network"
  providers = { aws = aws.backup }

  name                    = "${var.deployment}-backup"
  cidr_block              = var.vpc_cidrs.backup
  availability_zone_count = var.availability_zone_count
  nat_gateway_enabled     = var.nat_gateway_enabled
  vpc_endpoints_enabled   = var.vpc_endpoints_enabled
  tags                    = local.tags
}

module "database" {
  source    = "./modules/database"
  providers = { aws = aws.primary }

  name                  = var.deployment
  vpc_id                = module.network_primary.vpc_id
  subnet_ids            = module.network_primary.db_subnet_ids
  app_security_group_id = module.app_primary.security_group_id
  secret_replica = {
    region      = var.regions.backup
    kms_key_arn = var.secret_replica_customer_managed_key ? module.database_replica.kms_key_arn : null
  }
  parameters                   = var.db_parameters
  performance_insights_enabled = var.db_performance_insights_enabled
  max_allocated_storage        = var.db_max_allocated_storage
  engine_version               = var.db_engine_version
  instance_class               = var.db_instance_class
  backup_retention_days        = var.db_backup_retention_days
  backup_window                = var.db_backup_window
  maintenance_window           = var.db_maintenance_window
  deletion_protection          = var.db_deletion_protection
  secret_recovery_window_days  = var.secret_recovery_window_days
  password_version             = var.db_password_version
  app_password_version         = var.db_app_password_version
  account_id                   = module.database_replica.account_id
  tags                         = local.tags
}

module "database_replica" {
  source    = "./modules/database-replica"
  providers = { aws = aws.backup }

  name                         = var.deployment
  source_db_arn                = module.database.db_instance_arn
  vpc_id                       = module.network_backup.vpc_id
  subnet_ids                   = module.network_backup.db_subnet_ids
  subnet_group_name            = module.database.subnet_group_name
  app_security_group_id        = module.app_backup.security_group_id
  promoted                     = local.failed_over
  multi_az                     = var.replica_multi_az
  engine_version               = module.database.engine_version_running
  max_allocated_storage        = module.database.max_allocated_storage
  parameters                   = var.db_parameters
  performance_insights_enabled = var.db_performance_insights_enabled
  instance_class               = var.db_instance_class
  backup_retention_days        = var.db_backup_retention_days
  backup_window                = var.db_backup_window
  maintenance_window           = var.db_maintenance_window
  deletion_protection          = var.db_deletion_protection
  tags                         = local.tags
}

module "app_primary" {
  source    = "./modules/app"
  providers = { aws = aws.primary }

  name                    = "${var.deployment}-primary"
  region_role             = "primary"
  vpc_id                  = module.network_primary.vpc_id
  public_subnet_ids       = module.network_primary.public_subnet_ids
  app_subnet_ids          = module.network_primary.app_subnet_ids
  certificate_arn         = var.certificate_arns.primary
  alb_deletion_protection = var.alb_deletion_protection
  app_port                = var.app_port
  target_health           = var.target_health
  instance_type           = var.instance_type
  # The role switch fences the old primary's instances at zero, and so does a standing latch before
  # it: the failover fenced them, and an apply of the unchanged configuration must not undo that.
  capacity                      = local.failed_over ? local.fenced_capacity : (local.latched ? local.fenced_capacity : var.primary_capacity)
  app_bundle_path               = var.app_bundle_path
  artifact_bucket_force_destroy = var.artifact_bucket_force_destroy
  db = {
    host        = module.database.db_instance_address
    port        = module.database.db_port
    name        = module.database.db_name
    secret_arn  = module.database.app_secret_arn # the app's own role, never the master user
    kms_key_arn = module.database.kms_key_arn
  }
  tags = local.tags
}

module "app_backup" {
  source    = "./modules/app"
  providers = { aws = aws.backup }

  name                          = "${var.deployment}-backup"
  region_role                   = "backup"
  vpc_id                        = module.network_backup.vpc_id
  public_subnet_ids             = module.network_backup.public_subnet_ids
  app_subnet_ids                = module.network_backup.app_subnet_ids
  certificate_arn               = var.certificate_arns.backup
  alb_deletion_protection       = var.alb_deletion_protection
  app_port                      = var.app_port
  target_health                 = var.target_health
  instance_type                 = var.instance_type
  capacity                      = { min = 0, max = 0, desired = 0 }
  capacity_managed_externally   = true
  warm_pool_size                = var.warm_pool_size
  app_bundle_path               = var.app_bundle_path
  artifact_bucket_force_destroy = var.artifact_bucket_force_destroy
  db = {
    host        = module.database_replica.db_instance_address
    port        = module.database.db_port
    name        = module.database.db_name
    secret_arn  = module.database.app_secret_replica_arn
    kms_key_arn = module.database_replica.kms_key_arn
  }
  tags = local.tags
}

locals {
  # The latch key names the checks it latches (their fingerprint, terraform/modules/dns).
  latch_key_prefix = "latch-"
  latch_key        = "${local.latch_key_prefix}${module.dns.checks_fingerprint}"
}

module "latch" {
  source    = "./modules/latch"
  providers = { aws = aws.backup }

  name                 = var.deployment
  key                  = local.latch_key
  key_prefix           = local.latch_key_prefix
  health_checker_cidrs = var.health_checker_cidrs
  force_destroy        = var.latch_bucket_force_destroy
  # the failover role's ARN depends on its role alone, not on this module: no cycle
  writer_arns         = concat([module.failover.role_arn], var.operator_arns)
  write_trail_enabled = var.latch_write_trail_enabled
}

locals {
  # A latch object stands in B only after a failover: until failback removes it, P's group stays at
  # the failover's fence whatever active_region says (docs/terraform.md, "Before the role switch").
  # The listing is the one latch_guard reads; it is read in B, so this plans with P unreachable.
  latched = length(module.latch.standing_keys) > 0
}

# A replaced check is a new check: under a standing latch the PRIMARY would be answered on checks
# that never saw it. Refuse any plan whose checks differ from those a standing latch names.
resource "terraform_data" "latch_guard" {
  input = local.latch_key

  lifecycle {
    precondition {
      condition     = alltrue([for k in module.latch.standing_keys : k == local.latch_key])
      error_message = "A latch stands for other Route 53 checks (${join(", ", module.latch.standing_keys)} in s3://${module.latch.bucket}, this plan's checks read ${local.latch_key}): this plan would replace the PRIMARY's checks while P is latched out. Fail back first (pilotlight failback), then apply; or, once you are sure P must stay out, apply with the same detection settings."
    }
  }
}

module "dns" {
  source    = "./modules/dns"
  providers = { aws = aws.us_east_1 }

  name        = var.deployment
  zone_id     = var.dns_zone_id
  record_name = var.record_name
  primary_alb = {
    dns_name = module.app_primary.alb_dns_name
    zone_id  = module.app_primary.alb_zone_id
    https    = module.app_primary.alb_https
  }
  backup_alb = {
    dns_name          = module.app_backup.alb_dns_name
    zone_id           = module.app_backup.alb_zone_id
    https             = module.app_backup.alb_https
    health_check_path = module.app_backup.health_check_path
  }
  health_check = {
    interval_seconds  = var.detection.interval_seconds
    failure_threshold = var.detection.failure_threshold
  }
  alarm_evaluation_periods = var.detection.alarm_evaluation_periods
  latch = {
    bucket_domain_name = module.latch.bucket_regional_domain_name
    key                = local.latch_key
  }
  health_signal_name_servers = var.health_signal_name_servers
  subscriber_function_arn    = module.failover.function_arn
  alarm_enabled              = var.cloudwatch_enabled
  tags                       = local.tags
}

module "failover" {
  source    = "./modules/failover"
  providers = { aws = aws.backup }

  name                  = var.deployment
  package_path          = var.failover_package_path
  config_parameter_name = local.config_parameter_name
  alarm_topic_arn       = module.dns.alarm_topic_arn
  alarm_arn             = module.dns.alarm_arn
  probe_alarm_arn       = module.probe.alarm_arn
  health_check_arn      = module.dns.health_check_arn
  latch                 = { object_arn = module.latch.object_arn, bucket_arn = module.latch.bucket_arn }
  replica_db_arn        = module.database_replica.db_instance_arn
  primary_db_arn        = module.database.db_instance_arn
  backup_asg_arn        = module.app_backup.autoscaling_group_arn
  primary_asg_arn       = module.app_primary.autoscaling_group_arn
  ops_emails            = var.ops_emails
  log_retention_days    = var.log_retention_days
  tags                  = local.tags
}

module "probe" {
  source    = "./modules/probe"
  providers = { aws = aws.backup }

  name                     = var.deployment
  package_path             = var.probe_package_path
  config_parameter_name    = local.config_parameter_name
  failover_function_arn    = module.failover.function_arn
  failover_function_name   = module.failover.function_name
  alarm_evaluation_periods = var.probe_alarm_evaluation_periods
  cadence_seconds          = var.probe_cadence_seconds
  failure_count            = var.probe_failure_count
  alarm_enabled            = var.cloudwatch_enabled
  log_retention_days       = var.log_retention_days
  log_kms_key_arn          = module.failover.ops_kms_key_arn
  tags                     = local.tags
}

module "readiness" {
  source    = "./modules/readiness"
  providers = { aws = aws.backup }

  name                  = var.deployment
  package_path          = var.readiness_package_path
  config_parameter_name = local.config_parameter_name
  schedule_expression   = var.readiness_schedule
  log_retention_days    = var.log_retention_days
  log_kms_key_arn       = module.failover.ops_kms_key_arn
  targets = {
    replica_db_arn        = module.database_replica.db_instance_arn
    health_check_arn      = module.dns.health_check_arn
    latch_object_arn      = module.latch.object_arn
    latch_bucket_arn      = module.latch.bucket_arn
    alarm_arn             = module.dns.alarm_arn
    lock_table_arn        = module.failover.lock_table_arn
    failover_function_arn = module.failover.function_arn
    alarm_topic_arn       = module.dns.alarm_topic_arn
    failover_role_arn     = module.failover.role_arn
    ops_kms_key_arn       = module.failover.ops_kms_key_arn
    ami_parameter         = module.app_backup.ami_parameter
  }
  tags = local.tags
}

module "observability" {
  source    = "./modules/observability"
  providers = { aws = aws.backup }

  name                    = var.deployment
  enabled                 = var.cloudwatch_enabled
  failover_function_name  = module.failover.function_name
  readiness_function_name = module.readiness.function_name
  failure_queue_name      = module.failover.failure_queue_name
  replica_db_instance_id  = module.database_replica.db_instance_id
  backup_asg_name         = module.app_backup.autoscaling_group_name
  replica_lag_seconds_max = var.replica_lag_seconds_max
  readiness_schedule      = var.readiness_schedule
  ops_topic_arn           = module.failover.ops_topic_arn
  tags                    = local.tags
}

module "config" {
  source    = "./modules/config"
  providers = { aws = aws.backup }

  deployment = var.deployment
  document   = local.deployment_config
  tags       = local.tags
}

locals {
  deployment_config = {
    version    = 1
    deployment = var.deployment
    mode       = var.mode
    primary = {
      region = var.regions.primary
      alb = {
        arn            = module.app_primary.alb_arn
        dnsName        = module.app_primary.alb_dns_name
        zoneId         = module.app_primary.alb_zone_id
        targetGroupArn = module.app_primary.target_group_arn
      }
      asg            = { name = module.app_primary.autoscaling_group_name, desiredCapacity = var.primary_capacity.desired }
      db             = { instanceId = module.database.db_instance_id, arn = module.database.db_instance_arn }
      secretArn      = module.database.secret_arn
      appSecretArn   = module.database.app_secret_arn
      artifactBucket = module.app_primary.artifact_bucket
    }
    backup = {
      region = var.regions.backup
      alb = {
        arn            = module.app_backup.alb_arn
        dnsName        = module.app_backup.alb_dns_name
        zoneId         = module.app_backup.alb_zone_id
        targetGroupArn = module.app_backup.target_group_arn
      }
      asg = {
        name             = module.app_backup.autoscaling_group_name
        failoverCapacity = var.failover_capacity
        warmPoolSize     = var.warm_pool_size
      }
      launchTemplateId = module.app_backup.launch_template_id
      amiParameter     = module.app_backup.ami_parameter
      db = {
        instanceId          = module.database_replica.db_instance_id
        arn                 = module.database_replica.db_instance_arn
        backupRetentionDays = var.db_backup_retention_days
        backupWindow        = var.db_backup_window
      }
      secretArn      = module.database.secret_replica_arn
      appSecretArn   = module.database.app_secret_replica_arn
      artifactBucket = module.app_backup.artifact_bucket
    }
    dns = {
      zoneId              = var.dns_zone_id
      recordName          = var.record_name
      healthCheckId       = module.dns.health_check_id
      primaryCheckId      = module.dns.primary_check_id
      secondaryCheckId    = module.dns.secondary_check_id
      backupHealthCheckId = module.dns.backup_health_check_id
      latch = {
        bucket            = module.latch.bucket
        key               = module.latch.key
        checkId           = module.dns.latch_check_id
        setCheckId        = module.dns.latch_set_check_id
        checksFingerprint = module.dns.checks_fingerprint
      }
      healthSignal = {
        name        = module.dns.health_signal_name
        nameServers = module.dns.health_signal_name_servers
      }
      latchSignal = { name = module.dns.latch_signal_name }
      healthCheck = {
        intervalSeconds  = var.detection.interval_seconds
        failureThreshold = var.detection.failure_threshold
        resourcePath     = module.dns.health_check_resource_path
      }
      alarm = {
        name              = module.dns.alarm_name
        region            = "us-east-1"
        topicArn          = module.dns.alarm_topic_arn
        evaluationPeriods = var.detection.alarm_evaluation_periods
        periodSeconds     = 60
      }
      ttlSeconds = module.dns.ttl_seconds
    }
    failover = {
      functionName          = module.failover.function_name
      lockTableName         = module.failover.lock_table_name
      opsTopicArn           = module.failover.ops_topic_arn
      readinessFunctionName = module.readiness.function_name
      holdMaxSeconds        = var.failover_hold_max_seconds
      # Calls to us-east-1 or to P add information, never block: a Route 53 API read, P's RDS, the fence.
      bestEffortTimeoutMs = 3000
    }
    probe = {
      functionName    = module.probe.function_name
      scheduleSeconds = 60
      cadenceSeconds  = var.probe_cadence_seconds
      failureCount    = var.probe_failure_count
      target = {
        # What P's endpoint check asks (the dns module: HTTPS when P's ALB has a certificate)
        url          = coalesce(var.probe_target_url, "${module.app_primary.alb_https ? "https" : "http"}://${module.app_primary.alb_dns_name}${module.dns.health_check_resource_path}")
        searchString = module.dns.health_check_search_string
      }
      # A Route 53 checker allows 4 s to connect and 2 s more for the answer
      # (dns-failover-determining-health-of-endpoints): the probe allows the same.
      timeoutMs = 6000
      alarm = {
        name              = module.probe.alarm_name
        region            = var.regions.backup
        topicArn          = module.probe.alarm_topic_arn
        evaluationPeriods = var.probe_alarm_evaluation_periods
        periodSeconds     = 60
      }
    }
    thresholds = {
      replicaLagSecondsMax = var.replica_lag_seconds_max
      rtoTargetSeconds     = var.rto_target_seconds
    }
    rto = {
      metricDelaySeconds     = var.rto_assumptions.metric_delay_seconds
      decideSeconds          = var.rto_assumptions.decide_seconds
      promoteSeconds         = var.rto_assumptions.promote_seconds
      instanceLaunchSeconds  = var.rto_assumptions.instance_launch_seconds
      warmPoolLaunchSeconds  = var.rto_assumptions.warm_pool_launch_seconds
      appStartSeconds        = var.rto_assumptions.app_start_seconds
      targetHealthyThreshold = module.app_backup.target_health.healthy_threshold
      targetIntervalSeconds  = module.app_backup.target_health.interval_seconds
      resolverCacheSeconds   = var.rto_assumptions.resolver_cache_seconds
    }
  }
}
