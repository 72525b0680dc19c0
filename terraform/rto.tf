# The recovery-time model (docs/cli.md, `rto`), per scenario, with exactly the formula of src/core/rto.ts:
#   RTO = detect + decide + max(promote, capacity) + dns,  detect = the earliest trigger
# Two triggers: the us-east-1 alarm on Route 53's HealthCheckStatus and the probe alarm in B. Losing
# P leaves both; losing P and us-east-1 leaves the probe alone, and the guard waits out its calls to
# us-east-1 before it reads Route 53's verdict from DNS.
# scripts/check-deployment.ts compares the rto_model output with rtoModel() after every local apply.

locals {
  rto_cases_names     = ["best", "typical", "worst"]
  rto_scenarios_names = ["primary-lost", "primary-and-us-east-1-lost"]
  rto_in = {
    interval          = var.detection.interval_seconds
    threshold         = var.detection.failure_threshold
    periods           = var.detection.alarm_evaluation_periods
    probe_periods     = var.probe_alarm_evaluation_periods
    alarm_period      = 60
    probe_schedule    = local.deployment_config.probe.scheduleSeconds
    probe_timeout     = local.deployment_config.probe.timeoutMs / 1000
    best_effort       = local.deployment_config.failover.bestEffortTimeoutMs / 1000
    warm_pool_size    = var.warm_pool_size
    healthy_threshold = var.target_health.healthy_threshold
    target_interval   = var.target_health.interval_seconds
    # Alias records to an ALB have a fixed 60 s TTL.
    dns_ttl = 60
    a       = var.rto_assumptions
  }

  # terms(scenario, c, detection) of rto.ts, for each scenario and case, and for the floor (P lost,
  # the best case at the fastest detection allowed: 10 s x 1, one alarm period, one probe period).
  rto_term_args = merge(
    { for p in setproduct(local.rto_scenarios_names, local.rto_cases_names) : "${p[0]}/${p[1]}" => {
      s = p[0], c = p[1], interval = local.rto_in.interval, threshold = local.rto_in.threshold, periods = local.rto_in.periods, probe_periods = local.rto_in.probe_periods
    } },
    { floor = { s = "primary-lost", c = "best", interval = 10, threshold = 1, periods = 1, probe_periods = 1 } },
  )
  rto_terms_raw = {
    for k, t in local.rto_term_args : k => {
      # A failure lands anywhere in a check interval (or probe schedule): best right before a run, worst right after.
      route53 = t.interval * t.threshold + (t.c == "best" ? 0 : t.c == "typical" ? t.interval / 2 : t.interval) + t.periods * local.rto_in.alarm_period + local.rto_in.a.metric_delay_seconds[t.c]
      # A lost region mostly blackholes: the failing probe waits out its timeout (best: refused at once).
      probe = (t.c == "best" ? 0 : t.c == "typical" ? local.rto_in.probe_schedule / 2 : local.rto_in.probe_schedule) + (t.c == "best" ? 0 : local.rto_in.probe_timeout) + t.probe_periods * local.rto_in.alarm_period + local.rto_in.a.metric_delay_seconds[t.c]
      # The guard's best-effort calls side by side: P's RDS API; with us-east-1 lost, the Route 53
      # API's timeout and then the health-signal read through DNS.
      decide   = local.rto_in.a.decide_seconds[t.c] + (t.c == "best" ? 0 : t.s == "primary-lost" ? 1 : 2) * local.rto_in.best_effort
      promote  = local.rto_in.a.promote_seconds[t.c]
      capacity = (local.rto_in.warm_pool_size > 0 ? local.rto_in.a.warm_pool_launch_seconds[t.c] : local.rto_in.a.instance_launch_seconds[t.c]) + local.rto_in.a.app_start_seconds[t.c] + local.rto_in.healthy_threshold * local.rto_in.target_interval
      # Best case: the resolver's cached answer expired just as the record changed.
      dns = t.c == "best" ? 0 : local.rto_in.dns_ttl + local.rto_in.a.resolver_cache_seconds[t.c]
      s   = t.s
    }
  }
  rto_terms = {
    for k, t in local.rto_terms_raw : k => {
      triggers = { route53 = t.s == "primary-lost" ? t.route53 : null, probe = t.probe }
      # us-east-1's trigger counts only while us-east-1 stands
      detect   = t.s == "primary-lost" ? min(t.route53, t.probe) : t.probe
      decide   = t.decide
      promote  = t.promote
      capacity = t.capacity
      dns      = t.dns
      # Math.round of a non-negative number.
      total = floor((t.s == "primary-lost" ? min(t.route53, t.probe) : t.probe) + t.decide + max(t.promote, t.capacity) + t.dns + 0.5)
    }
  }

  rto_scenarios = {
    for s in local.rto_scenarios_names : s => {
      scenario      = s
      cases         = { for c in local.rto_cases_names : c => local.rto_terms["${s}/${c}"] }
      targetSeconds = var.rto_target_seconds
      withinTarget  = local.rto_terms["${s}/worst"].total <= var.rto_target_seconds
    }
  }
  rto_over = [for s in local.rto_scenarios_names : s if !local.rto_scenarios[s].withinTarget]

  rto_model = {
    scenarios              = local.rto_scenarios
    floor                  = local.rto_terms.floor
    detectionWindowSeconds = local.rto_in.interval * local.rto_in.threshold + local.rto_in.periods * local.rto_in.alarm_period
    targetSeconds          = var.rto_target_seconds
    withinTarget           = length(local.rto_over) == 0
  }
}

# Refuses a configuration whose modeled worst case exceeds the target in any scenario, naming the
# scenario and every term.
resource "terraform_data" "rto_budget" {
  input = local.rto_model

  lifecycle {
    precondition {
      condition = local.rto_model.withinTarget
      error_message = "${join("; ", [for s in local.rto_over : format(
        "Scenario %s: the worst-case recovery %ds exceeds rto_target_seconds %ds: detect %ds (the earliest of %s) + decide %ds (incl. best-effort timeouts of %gs each) + max(promote %ds, capacity %ds) + dns %ds (TTL 60s + resolver cache %ds)",
        s,
        local.rto_terms["${s}/worst"].total,
        var.rto_target_seconds,
        local.rto_terms["${s}/worst"].detect,
        s == "primary-lost" ? "us-east-1 alarm ${local.rto_terms["${s}/worst"].triggers.route53}s: interval ${local.rto_in.interval}s x threshold ${local.rto_in.threshold} + phase + ${local.rto_in.periods} alarm periods x 60s + metric delay; probe alarm ${local.rto_terms["${s}/worst"].triggers.probe}s" : "probe alarm ${local.rto_terms["${s}/worst"].triggers.probe}s: schedule ${local.rto_in.probe_schedule}s + timeout ${local.rto_in.probe_timeout}s + ${local.rto_in.probe_periods} probe alarm periods x 60s + metric delay; us-east-1 is gone",
        local.rto_terms["${s}/worst"].decide,
        local.rto_in.best_effort,
        local.rto_terms["${s}/worst"].promote,
        local.rto_terms["${s}/worst"].capacity,
        local.rto_terms["${s}/worst"].dns,
        local.rto_in.a.resolver_cache_seconds.worst,
      )])}. Shorten detection (detection.interval_seconds, failure_threshold, alarm_evaluation_periods, probe_alarm_evaluation_periods), add a warm pool (warm_pool_size), or raise rto_target_seconds."
    }
  }
}
