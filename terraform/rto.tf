# The recovery-time model (docs/cli.md, `rto`), with exactly the formula of src/core/rto.ts:
#   RTO = detect + decide + max(promote, capacity) + dns
# scripts/check-deployment.ts compares the rto_model output with rtoModel() after every local apply.

locals {
  rto_cases_names = ["best", "typical", "worst"]
  rto_in = {
    interval          = var.detection.interval_seconds
    threshold         = var.detection.failure_threshold
    periods           = var.detection.alarm_evaluation_periods
    alarm_period      = 60
    warm_pool_size    = var.warm_pool_size
    healthy_threshold = var.target_health.healthy_threshold
    target_interval   = var.target_health.interval_seconds
    # Alias records to an ALB have a fixed 60 s TTL.
    dns_ttl = 60
    a       = var.rto_assumptions
  }

  # terms(c, interval, threshold, periods) of rto.ts, for the three cases and for the floor
  # (the best case at the fastest detection Route 53 allows: 10 s x 1, one alarm period).
  rto_term_args = merge(
    { for c in local.rto_cases_names : c => { c = c, interval = local.rto_in.interval, threshold = local.rto_in.threshold, periods = local.rto_in.periods } },
    { floor = { c = "best", interval = 10, threshold = 1, periods = 1 } },
  )
  rto_terms_raw = {
    for k, t in local.rto_term_args : k => {
      # A failure lands anywhere in a check interval: best right before a check, worst right after.
      detect   = t.interval * t.threshold + (t.c == "best" ? 0 : t.c == "typical" ? t.interval / 2 : t.interval) + t.periods * local.rto_in.alarm_period + local.rto_in.a.metric_delay_seconds[t.c]
      decide   = local.rto_in.a.decide_seconds[t.c]
      promote  = local.rto_in.a.promote_seconds[t.c]
      capacity = (local.rto_in.warm_pool_size > 0 ? local.rto_in.a.warm_pool_launch_seconds[t.c] : local.rto_in.a.instance_launch_seconds[t.c]) + local.rto_in.a.app_start_seconds[t.c] + local.rto_in.healthy_threshold * local.rto_in.target_interval
      # Best case: the resolver's cached answer expired just as the record changed.
      dns = t.c == "best" ? 0 : local.rto_in.dns_ttl + local.rto_in.a.resolver_cache_seconds[t.c]
    }
  }
  rto_terms = {
    for k, t in local.rto_terms_raw : k => merge(t, {
      # Math.round of a non-negative number.
      total = floor(t.detect + t.decide + max(t.promote, t.capacity) + t.dns + 0.5)
    })
  }
  rto_worst = local.rto_terms.worst

  rto_model = {
    cases                  = { for c in local.rto_cases_names : c => local.rto_terms[c] }
    floor                  = local.rto_terms.floor
    detectionWindowSeconds = local.rto_in.interval * local.rto_in.threshold + local.rto_in.periods * local.rto_in.alarm_period
    targetSeconds          = var.rto_target_seconds
    withinTarget           = local.rto_worst.total <= var.rto_target_seconds
  }
}

# Refuses a configuration whose modeled worst case exceeds the target, naming every term.
resource "terraform_data" "rto_budget" {
  input = local.rto_model

  lifecycle {
    precondition {
      condition     = local.rto_model.withinTarget
      error_message = "The worst-case recovery ${local.rto_worst.total}s exceeds rto_target_seconds ${var.rto_target_seconds}s: detect ${local.rto_worst.detect}s (interval ${local.rto_in.interval}s x threshold ${local.rto_in.threshold} + interval phase ${local.rto_in.interval}s + ${local.rto_in.periods} alarm periods x 60s + metric delay ${local.rto_in.a.metric_delay_seconds.worst}s) + decide ${local.rto_worst.decide}s + max(promote ${local.rto_worst.promote}s, capacity ${local.rto_worst.capacity}s) + dns ${local.rto_worst.dns}s (TTL 60s + resolver cache ${local.rto_in.a.resolver_cache_seconds.worst}s). Shorten detection (detection.interval_seconds, failure_threshold, alarm_evaluation_periods), add a warm pool (warm_pool_size), or raise rto_target_seconds."
    }
  }
}
