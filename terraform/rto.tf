# The recovery-time model (docs/cli.md, `rto`), per scenario, with exactly the formula of src/core/rto.ts
# (the reasons are there):
#   RTO = detect + hold + decide + max(promote, capacity + dns),  detect = the earliest trigger left
# Triggers: the us-east-1 alarm on Route 53's HealthCheckStatus, the probe in B notifying the failover
# function directly after probe_failure_count failed checks probe_cadence_seconds apart, and the probe
# alarm (backstop). P lost: both; P and us-east-1 lost: the probe alone, and the guard waits out its
# calls to us-east-1; an in-region recovery held: the alarms, then the hold and a re-evaluation tick.
# terraform/tests/plan.tftest.hcl pins the figures src/core/rto.test.ts pins; scripts/check-deployment.ts
# compares the rto_model output with rtoModel() after every local apply.

locals {
  rto_cases_names     = ["best", "typical", "worst"]
  rto_scenarios_names = ["primary-lost", "primary-and-us-east-1-lost", "in-region-recovery-held"]
  rto_in = {
    interval          = var.detection.interval_seconds
    threshold         = var.detection.failure_threshold
    periods           = var.detection.alarm_evaluation_periods
    probe_periods     = var.probe_alarm_evaluation_periods
    cadence           = var.probe_cadence_seconds
    count             = var.probe_failure_count
    alarm_period      = 60
    probe_schedule    = local.deployment_config.probe.scheduleSeconds
    probe_timeout     = local.deployment_config.probe.timeoutMs / 1000
    best_effort       = local.deployment_config.failover.bestEffortTimeoutMs / 1000
    hold_max          = var.failover_hold_max_seconds
    warm_pool_size    = var.warm_pool_size
    healthy_threshold = var.target_health.healthy_threshold
    target_interval   = var.target_health.interval_seconds
    # Alias records to an ALB have a fixed 60 s TTL.
    dns_ttl = 60
    # EventBridge: "the minimum precision for schedules is 1 minute" (SCHEDULE_PRECISION_SECONDS)
    schedule_precision = 60
    a                  = var.rto_assumptions
  }

  # terms(scenario, c, detection) of rto.ts, for each scenario and case, and for the floor (P lost,
  # the best case at the fastest detection allowed: 10 s x 1, one alarm period, one probe alarm
  # period, the probe every 10 s notifying at its first failure).
  rto_term_args = merge(
    { for p in setproduct(local.rto_scenarios_names, local.rto_cases_names) : "${p[0]}/${p[1]}" => {
      s = p[0], c = p[1], interval = local.rto_in.interval, threshold = local.rto_in.threshold, periods = local.rto_in.periods, probe_periods = local.rto_in.probe_periods, cadence = local.rto_in.cadence, count = local.rto_in.count
    } },
    { floor = { s = "primary-lost", c = "best", interval = 10, threshold = 1, periods = 1, probe_periods = 1, cadence = 10, count = 1 } },
  )
  rto_phases = {
    for k, t in local.rto_term_args : k => {
      # A failure lands anywhere in a check interval, a cadence or a TTL: best right before a run, worst right after.
      interval = t.c == "best" ? 0 : t.c == "typical" ? t.interval / 2 : t.interval
      cadence  = t.c == "best" ? 0 : t.c == "typical" ? t.cadence / 2 : t.cadence
      schedule = t.c == "best" ? 0 : t.c == "typical" ? local.rto_in.probe_schedule / 2 : local.rto_in.probe_schedule
      ttl      = t.c == "best" ? 0 : t.c == "typical" ? local.rto_in.dns_ttl / 2 : local.rto_in.dns_ttl
      # A lost region mostly blackholes: a failing request waits out its timeout (best: refused at once).
      timeout = t.c == "best" ? 0 : local.rto_in.probe_timeout
    }
  }
  rto_terms_raw = {
    for k, t in local.rto_term_args : k => {
      s = t.s
      # Route 53's verdict flips after `threshold` consecutive checks, either way
      verdict = t.interval * t.threshold + local.rto_phases[k].interval
      route53 = t.interval * t.threshold + local.rto_phases[k].interval + t.periods * local.rto_in.alarm_period + local.rto_in.a.metric_delay_seconds[t.c]
      # the next check: within a cadence, or (worst) across two invocations EventBridge started late;
      # the guard proceeds at the first notification after Route 53's verdict
      probe = max(
        (t.c == "worst" ? t.cadence + local.rto_in.schedule_precision : local.rto_phases[k].cadence) + (t.count - 1) * t.cadence + local.rto_phases[k].timeout,
        t.interval * t.threshold + local.rto_phases[k].interval + local.rto_phases[k].cadence,
      )
      probe_alarm = local.rto_phases[k].schedule + local.rto_phases[k].timeout + t.probe_periods * local.rto_in.alarm_period + local.rto_in.a.metric_delay_seconds[t.c]
      hold        = t.s == "in-region-recovery-held" ? local.rto_in.hold_max + local.rto_phases[k].schedule : 0
      # The guard's best-effort calls side by side: P's RDS API (lost when P is); with us-east-1 lost,
      # the Route 53 API's timeout and then the health-signal read through DNS.
      decide   = local.rto_in.a.decide_seconds[t.c] + (t.c == "best" ? 0 : t.s == "primary-lost" ? 1 : t.s == "primary-and-us-east-1-lost" ? 2 : 0) * local.rto_in.best_effort
      promote  = local.rto_in.a.promote_seconds[t.c]
      capacity = (local.rto_in.warm_pool_size > 0 ? local.rto_in.a.warm_pool_launch_seconds[t.c] : local.rto_in.a.instance_launch_seconds[t.c]) + local.rto_in.a.app_start_seconds[t.c] + local.rto_in.healthy_threshold * local.rto_in.target_interval
      # Route 53 sees B healthy, then a resolver's cached answer of P expires.
      dns = t.interval * t.threshold + local.rto_phases[k].interval + local.rto_phases[k].ttl + local.rto_in.a.resolver_cache_seconds[t.c]
    }
  }
  rto_terms = {
    for k, t in local.rto_terms_raw : k => {
      triggers = { route53 = t.s == "primary-and-us-east-1-lost" ? null : t.route53, probe = t.probe, probeAlarm = t.probe_alarm }
      detect   = t.s == "primary-lost" ? min(t.route53, t.probe) : t.s == "primary-and-us-east-1-lost" ? t.probe : min(t.route53, t.probe_alarm)
      hold     = t.hold
      decide   = t.decide
      promote  = t.promote
      capacity = t.capacity
      dns      = t.dns
      # Math.round of a non-negative number.
      total = floor((t.s == "primary-lost" ? min(t.route53, t.probe) : t.s == "primary-and-us-east-1-lost" ? t.probe : min(t.route53, t.probe_alarm)) + t.hold + t.decide + max(t.promote, t.capacity + t.dns) + 0.5)
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

# Refuses a configuration whose modeled worst case exceeds the target in any scenario (the held
# in-region recovery included), naming the scenario and every term.
resource "terraform_data" "rto_budget" {
  input = local.rto_model

  lifecycle {
    precondition {
      condition = local.rto_model.withinTarget
      error_message = "${join("; ", [for s in local.rto_over : format(
        "Scenario %s: the worst-case recovery %ds exceeds rto_target_seconds %ds: detect %ds (%s) + hold %ds (failover_hold_max_seconds %ds + a re-evaluation tick; 0 unless held) + decide %ds (incl. best-effort timeouts of %gs each) + max(promote %ds, capacity %ds + dns %ds (Route 53 sees B healthy + TTL 60s + resolver cache %ds))",
        s,
        local.rto_terms["${s}/worst"].total,
        var.rto_target_seconds,
        local.rto_terms["${s}/worst"].detect,
        s == "primary-lost" ? "the earliest of the us-east-1 alarm ${local.rto_terms["${s}/worst"].triggers.route53}s and the probe ${local.rto_terms["${s}/worst"].triggers.probe}s" : s == "primary-and-us-east-1-lost" ? "the probe ${local.rto_terms["${s}/worst"].triggers.probe}s: ${local.rto_in.count} failed checks ${local.rto_in.cadence}s apart + timeout ${local.rto_in.probe_timeout}s + the schedule's precision; us-east-1 is gone" : "the earliest alarm: us-east-1 ${local.rto_terms["${s}/worst"].triggers.route53}s, probe alarm ${local.rto_terms["${s}/worst"].triggers.probeAlarm}s",
        local.rto_terms["${s}/worst"].hold,
        local.rto_in.hold_max,
        local.rto_terms["${s}/worst"].decide,
        local.rto_in.best_effort,
        local.rto_terms["${s}/worst"].promote,
        local.rto_terms["${s}/worst"].capacity,
        local.rto_terms["${s}/worst"].dns,
        local.rto_in.a.resolver_cache_seconds.worst,
      )])}. Shorten detection (detection.*, probe_cadence_seconds, probe_failure_count), shorten failover_hold_max_seconds, add a warm pool (warm_pool_size), or raise rto_target_seconds."
    }
  }
}
