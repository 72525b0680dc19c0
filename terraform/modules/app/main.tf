data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  https = var.certificate_arn != null
  # The hook holds a launching instance until its user data reports the app up (warm pool entry
  # and InService alike); the group's name is fixed, so the user data can name it.
  asg_name         = "${var.name}-app"
  launch_hook_name = "app-ready"
  # A bootstrap that fails ABANDONs at once; this bounds only one that hangs (AWS allows 30 to 7200).
  launch_hook_timeout_seconds = 600
  user_data = templatefile("${path.module}/user-data.sh.tftpl", {
    region          = data.aws_region.current.region
    artifact_bucket = aws_s3_bucket.artifacts.id
    artifact_key    = aws_s3_object.app_bundle.key
    db_host         = var.db.host
    db_port         = var.db.port
    db_name         = var.db.name
    db_secret_arn   = var.db.secret_arn
    app_port        = var.app_port
    region_role     = var.region_role
    asg_name        = local.asg_name
    hook_name       = local.launch_hook_name
  })
  asg = var.capacity_managed_externally ? aws_autoscaling_group.external[0] : aws_autoscaling_group.managed[0]
}

# --- artifact bucket: this region's copy of the app bundle (the backup never reads the primary's) ---

resource "aws_s3_bucket" "artifacts" {
  bucket_prefix = "${var.name}-artifacts-"
  force_destroy = var.artifact_bucket_force_destroy
  # Untagged: the provider reads bucket tags through S3 Control, where the emulator does not see
  # the tags it stored (a perpetual diff). The name carries the deployment.
  #checkov:skip=CKV_AWS_144:Deliberately no cross-region replication: each region gets its own upload so the backup never depends on the primary.
  #checkov:skip=CKV_AWS_18:Access logs of a bucket read only by the deployment's own instances add cost without audit value; CloudTrail data events cover it where required.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new bundles; event notifications would have no consumer.
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    id     = "expire-old-bundles"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_object" "app_bundle" {
  bucket      = aws_s3_bucket.artifacts.id
  key         = var.artifact_key
  source      = var.app_bundle_path
  source_hash = filemd5(var.app_bundle_path)
  tags        = var.tags

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.artifacts]
}

# --- security groups ---

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Client traffic to the ALB"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each = { for pair in setproduct(local.https ? [80, 443] : [80], var.alb_ingress_cidrs) : "${pair[0]}-${pair[1]}" => pair }

  security_group_id = aws_security_group.alb.id
  description       = each.value[0] == 443 ? "HTTPS from clients" : (local.https ? "HTTP from clients, redirected to HTTPS" : "HTTP from clients")
  ip_protocol       = "tcp"
  from_port         = each.value[0]
  to_port           = each.value[0]
  cidr_ipv4         = each.value[1]
}

resource "aws_vpc_security_group_egress_rule" "alb_to_app" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the app instances"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.app.id

  lifecycle {
    # The emulator drops the description of a rule that references a group (a perpetual diff
    # there); a description is cosmetic, so later edits of it are not worth that diff.
    ignore_changes = [description]
  }
}

resource "aws_security_group" "app" {
  name        = "${var.name}-app"
  description = "App instances: from the ALB only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-app" })
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  description                  = "App port from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.alb.id

  lifecycle {
    # The emulator drops the description of a rule that references a group (a perpetual diff
    # there); a description is cosmetic, so later edits of it are not worth that diff.
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_egress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  description       = "HTTPS to AWS APIs (VPC endpoints, S3 gateway, or NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "app_db" {
  security_group_id = aws_security_group.app.id
  description       = "PostgreSQL (the database security group admits only this group)"
  ip_protocol       = "tcp"
  from_port         = var.db.port
  to_port           = var.db.port
  cidr_ipv4         = "0.0.0.0/0"
}

# --- load balancer ---

resource "aws_lb" "this" {
  name                       = "${var.name}-alb"
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = var.public_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  tags                       = var.tags
  #checkov:skip=CKV_AWS_91:Access logs need a log bucket with an ELB-specific policy per region; an organisation usually has one. Not part of this module.
  #checkov:skip=CKV2_AWS_28:WAF is the operator's choice (and cost); attach a web ACL to alb_arn outside this module.
}

resource "aws_lb_target_group" "this" {
  name                 = "${var.name}-app"
  port                 = var.app_port
  protocol             = "HTTP"
  vpc_id               = var.vpc_id
  target_type          = "instance"
  deregistration_delay = 30
  tags                 = var.tags
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB (HTTPS listener); ALB to instance stays inside the VPC between two security groups, and the health check must answer plain HTTP.

  health_check {
    path                = var.health_check_path
    matcher             = "200"
    protocol            = "HTTP"
    port                = "traffic-port"
    healthy_threshold   = var.target_health.healthy_threshold
    unhealthy_threshold = 2
    interval            = var.target_health.interval_seconds
    timeout             = min(5, var.target_health.interval_seconds - 1)
  }
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  tags              = var.tags
  #checkov:skip=CKV_AWS_2:Port 80 redirects to HTTPS whenever a certificate is given; without one (local mode, first trial) it is the only listener.
  #checkov:skip=CKV_AWS_103:Same listener: TLS applies to the HTTPS listener created with a certificate.
  #checkov:skip=CKV2_AWS_20:The redirect is conditional on a certificate (dynamic block) which checkov cannot evaluate.

  default_action {
    type             = local.https ? "redirect" : "forward"
    target_group_arn = local.https ? null : aws_lb_target_group.this.arn

    dynamic "redirect" {
      for_each = local.https ? [1] : []
      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }
}

# --- instances ---

resource "aws_iam_role" "instance" {
  name_prefix = "${var.name}-app-"
  description = "pilotlight app instances: Session Manager, the app bundle, the DB secret"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

# One list of the instances' permissions (permissions.json, beside this file), shared with the IAM
# contract tests (test/iam). Session Manager gets the five actions AWS's minimal instance profile
# names, instead of AmazonSSMManagedInstanceCore, which also reads every SSM parameter in the account.
locals {
  permissions = jsondecode(file("${path.module}/permissions.json"))
  permission_resources = {
    app_bundle = ["${aws_s3_bucket.artifacts.arn}/${var.artifact_key}"]
    db_secret  = [var.db.secret_arn]
    db_kms_key = [var.db.kms_key_arn]
    # CompleteLifecycleAction takes the autoScalingGroup resource,
    # arn:...:autoScalingGroup:<uuid>:autoScalingGroupName/<name> (Service Authorization Reference).
    # The UUID exists only once the group does, but the grant must come first: creating the group
    # waits for its instances, which wait for this grant. So the ARN is matched by this group's
    # name, with a wildcard for the UUID.
    own_group = ["arn:${data.aws_partition.current.partition}:autoscaling:${data.aws_region.current.region}:${split(":", aws_iam_role.instance.arn)[4]}:autoScalingGroup:*:autoScalingGroupName/${local.asg_name}"]
    "*"       = ["*"]
  }
}

resource "aws_iam_role_policy" "app" {
  name = "app"
  role = aws_iam_role.instance.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for s in local.permissions.statements : merge(
      { Sid = s.sid, Effect = "Allow", Action = s.actions, Resource = local.permission_resources[s.resource] },
      # {region} in a condition value is this module's region (kms:ViaService names a regional endpoint)
      can(s.condition) ? { Condition = jsondecode(replace(jsonencode(s.condition), "{region}", data.aws_region.current.region)) } : {},
    ) if s.resource != "own_group"]
  })
}

# The grants on the instances' own group (permissions.json, resource own_group) in a policy of their
# own: its ARN takes the account from the role's ARN, unknown until the role exists, and the rest of
# the instance policy stays known at plan time. The groups depend on it (see own_group above).
resource "aws_iam_role_policy" "launch_hook" {
  name = "launch-hook"
  role = aws_iam_role.instance.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for s in local.permissions.statements : {
      Sid = s.sid, Effect = "Allow", Action = s.actions, Resource = local.permission_resources[s.resource]
    } if s.resource == "own_group"]
  })
}

resource "aws_iam_instance_profile" "instance" {
  name_prefix = "${var.name}-app-"
  role        = aws_iam_role.instance.name
  tags        = var.tags
}

resource "aws_launch_template" "this" {
  name_prefix = "${var.name}-app-"
  description = "pilotlight reference app (${var.region_role})"
  # EC2 resolves the parameter at each launch (RequestLaunchTemplateData.ImageId: "resolve:ssm:
  # <public-parameter>"): always the current AMI of the instance's own region, and no plan reads SSM.
  image_id               = "resolve:ssm:${var.ami_parameter}"
  instance_type          = var.instance_type
  user_data              = base64encode(local.user_data)
  vpc_security_group_ids = [aws_security_group.app.id]
  update_default_version = true
  # No tags on the template itself: the emulator echoes them back as a launch-template tag
  # specification (a perpetual diff); instances and volumes are tagged below.

  iam_instance_profile {
    arn = aws_iam_instance_profile.instance.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  monitoring {
    enabled = true
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.root_volume_size
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-app", "pilotlight:region-role" = var.region_role })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = "${var.name}-app" })
  }
}

# Two variants of one group: Terraform cannot make ignore_changes conditional. The backup region's
# group is sized by the failover function and the CLI once it exists, so Terraform must not reset it.
resource "aws_autoscaling_group" "managed" {
  count = var.capacity_managed_externally ? 0 : 1

  name                      = local.asg_name
  min_size                  = var.capacity.min
  max_size                  = var.capacity.max
  desired_capacity          = var.capacity.desired
  vpc_zone_identifier       = var.app_subnet_ids
  target_group_arns         = [aws_lb_target_group.this.arn]
  health_check_type         = "ELB"
  health_check_grace_period = 120

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  # Created with the group, before its first instances and its warm pool (a hook added to an
  # existing group misses them; the provider makes this argument force a new group). The user data
  # completes it; default ABANDON: a bootstrap that hangs or dies is terminated and replaced, never
  # parked in the warm pool or put in service half-installed.
  initial_lifecycle_hook {
    name                 = local.launch_hook_name
    lifecycle_transition = "autoscaling:EC2_INSTANCE_LAUNCHING"
    heartbeat_timeout    = local.launch_hook_timeout_seconds
    default_result       = "ABANDON"
  }

  dynamic "warm_pool" {
    for_each = var.warm_pool_size > 0 ? [1] : []
    content {
      pool_state                  = "Stopped"
      min_size                    = var.warm_pool_size
      max_group_prepared_capacity = var.warm_pool_size
    }
  }

  dynamic "tag" {
    for_each = merge(var.tags, { Name = "${var.name}-app" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  # The instances complete the hook with this grant (otherwise they are abandoned, and creating
  # the group waits for capacity that never comes).
  depends_on = [aws_iam_role_policy.launch_hook]
}

resource "aws_autoscaling_group" "external" {
  count = var.capacity_managed_externally ? 1 : 0

  name                      = local.asg_name
  min_size                  = var.capacity.min
  max_size                  = var.capacity.max
  desired_capacity          = var.capacity.desired
  vpc_zone_identifier       = var.app_subnet_ids
  target_group_arns         = [aws_lb_target_group.this.arn]
  health_check_type         = "ELB"
  health_check_grace_period = 120

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  # Created with the group, before its first instances and its warm pool (a hook added to an
  # existing group misses them; the provider makes this argument force a new group). The user data
  # completes it; default ABANDON: a bootstrap that hangs or dies is terminated and replaced, never
  # parked in the warm pool or put in service half-installed.
  initial_lifecycle_hook {
    name                 = local.launch_hook_name
    lifecycle_transition = "autoscaling:EC2_INSTANCE_LAUNCHING"
    heartbeat_timeout    = local.launch_hook_timeout_seconds
    default_result       = "ABANDON"
  }

  dynamic "warm_pool" {
    for_each = var.warm_pool_size > 0 ? [1] : []
    content {
      pool_state                  = "Stopped"
      min_size                    = var.warm_pool_size
      max_group_prepared_capacity = var.warm_pool_size
    }
  }

  dynamic "tag" {
    for_each = merge(var.tags, { Name = "${var.name}-app" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    ignore_changes = [min_size, max_size, desired_capacity]
  }

  # The instances complete the hook with this grant (otherwise they are abandoned, and creating
  # the group waits for capacity that never comes).
  depends_on = [aws_iam_role_policy.launch_hook]
}
