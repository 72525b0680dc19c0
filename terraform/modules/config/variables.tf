variable "deployment" {
  description = "The deployment name; the parameter is /pilotlight/<deployment>/config."
  type        = string
}

variable "document" {
  description = "The deployment-config document (schema: src/core/config.ts, version 1), key for key. Written as JSON to SSM Parameter Store in this (the backup) region."
  type = object({
    version    = number
    deployment = string
    mode       = string
    primary = object({
      region         = string
      alb            = object({ arn = string, dnsName = string, zoneId = string, targetGroupArn = string })
      asg            = object({ name = string, desiredCapacity = number })
      db             = object({ instanceId = string, arn = string })
      secretArn      = string
      appSecretArn   = string
      artifactBucket = string
    })
    backup = object({
      region = string
      alb    = object({ arn = string, dnsName = string, zoneId = string, targetGroupArn = string })
      asg = object({
        name             = string
        failoverCapacity = object({ min = number, max = number, desired = number })
        warmPoolSize     = number
      })
      launchTemplateId = string
      amiParameter     = string
      db = object({
        instanceId          = string
        arn                 = string
        backupRetentionDays = number
        backupWindow        = string
      })
      secretArn      = string
      appSecretArn   = string
      artifactBucket = string
    })
    dns = object({
      zoneId              = string
      recordName          = string
      healthCheckId       = string
      primaryCheckId      = string
      secondaryCheckId    = string
      backupHealthCheckId = string
      latch = object({
        bucket            = string
        key               = string
        checkId           = string
        setCheckId        = string
        checksFingerprint = string
      })
      healthSignal = object({ name = string, nameServers = list(string) })
      latchSignal  = object({ name = string })
      healthCheck  = object({ intervalSeconds = number, failureThreshold = number, resourcePath = string })
      alarm = object({
        name              = string
        region            = string
        topicArn          = string
        evaluationPeriods = number
        periodSeconds     = number
      })
      ttlSeconds = number
    })
    failover = object({
      functionName          = string
      lockTableName         = string
      opsTopicArn           = string
      readinessFunctionName = string
      holdMaxSeconds        = number
      bestEffortTimeoutMs   = number
    })
    probe = object({
      functionName    = string
      scheduleSeconds = number
      cadenceSeconds  = number
      failureCount    = number
      target          = object({ url = string, searchString = optional(string) })
      timeoutMs       = number
      alarm = object({
        name              = string
        region            = string
        topicArn          = string
        evaluationPeriods = number
        periodSeconds     = number
      })
    })
    thresholds = object({ replicaLagSecondsMax = number, rtoTargetSeconds = number })
    rto = object({
      metricDelaySeconds     = object({ best = number, typical = number, worst = number })
      decideSeconds          = object({ best = number, typical = number, worst = number })
      promoteSeconds         = object({ best = number, typical = number, worst = number })
      instanceLaunchSeconds  = object({ best = number, typical = number, worst = number })
      warmPoolLaunchSeconds  = object({ best = number, typical = number, worst = number })
      appStartSeconds        = object({ best = number, typical = number, worst = number })
      targetHealthyThreshold = number
      targetIntervalSeconds  = number
      resolverCacheSeconds   = object({ best = number, typical = number, worst = number })
    })
  })

  validation {
    condition     = var.document.version == 1
    error_message = "document.version must be 1 (the schema version of src/core/config.ts)."
  }

  validation {
    condition     = var.document.backup.db.backupRetentionDays >= 1 && var.document.backup.db.backupRetentionDays <= 35 && floor(var.document.backup.db.backupRetentionDays) == var.document.backup.db.backupRetentionDays
    error_message = "document.backup.db.backupRetentionDays must be a whole number of days from 1 to 35: the promoted replica keeps automated backups (PromoteReadReplica's own default is 1)."
  }

  validation {
    # RDS PreferredBackupWindow: hh24:mi-hh24:mi in UTC, at least 30 minutes (it may cross midnight)
    condition = var.document.backup.db.backupWindow == null ? true : (
      can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.document.backup.db.backupWindow)) ? (
        (tonumber(substr(var.document.backup.db.backupWindow, 6, 2)) * 60 + tonumber(substr(var.document.backup.db.backupWindow, 9, 2)) -
        tonumber(substr(var.document.backup.db.backupWindow, 0, 2)) * 60 - tonumber(substr(var.document.backup.db.backupWindow, 3, 2)) + 1440) % 1440 >= 30
      ) : false
    )
    error_message = "document.backup.db.backupWindow must be null (AWS picks) or hh24:mi-hh24:mi in UTC of at least 30 minutes, such as 03:00-03:30."
  }

  validation {
    condition     = var.document.dns.alarm.region == "us-east-1" && var.document.dns.alarm.periodSeconds == 60
    error_message = "The alarm lives in us-east-1 with 60 s periods (Route 53 metrics are only there)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
