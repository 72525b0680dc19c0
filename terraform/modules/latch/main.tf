# The latch ("standby takes over primary", issue 10): an object in a bucket of the backup region,
# watched by an inverted Route 53 check (terraform/modules/dns). The failover writes the object;
# failback deletes it. Route 53's checkers read it anonymously, so the bucket policy lets exactly
# that object be read, from the checkers' addresses only, and the object is encrypted with S3's own
# keys (SSE-S3): an anonymous GET cannot use a KMS key.

# Route 53's checkers' addresses (ip-ranges.json, service ROUTE53_HEALTHCHECKS), unless given.
data "aws_ip_ranges" "route53_healthchecks" {
  count    = var.health_checker_cidrs == null ? 1 : 0
  services = ["route53_healthchecks"]
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  object_arn = "${aws_s3_bucket.this.arn}/${var.key}"
  trail_name = "${var.name}-latch-writes"
  trail_arn  = "arn:${data.aws_partition.current.partition}:cloudtrail:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:trail/${local.trail_name}"
  health_checker_cidrs = var.health_checker_cidrs != null ? var.health_checker_cidrs : concat(
    data.aws_ip_ranges.route53_healthchecks[0].cidr_blocks,
    data.aws_ip_ranges.route53_healthchecks[0].ipv6_cidr_blocks,
  )
}

resource "aws_s3_bucket" "this" {
  bucket_prefix = "${var.name}-latch-"
  force_destroy = var.force_destroy
  # Untagged, as the artifact buckets: the provider reads bucket tags through S3 Control, where the
  # emulator does not see the tags it stored (a perpetual diff). The name carries the deployment.
  #checkov:skip=CKV_AWS_144:The latch must live in B alone: a replica elsewhere would outlive B's loss and latch nothing.
  #checkov:skip=CKV_AWS_18:Server access logs would log every checker's GET (dozens a minute) and are delivered best effort; the writes are recorded by the trail below (CloudTrail data events, write-only, on this bucket's objects).
  #checkov:skip=CKV2_AWS_62:Nothing reacts to the latch object; event notifications would have no consumer.
  #checkov:skip=CKV_AWS_145:SSE-S3 on purpose: Route 53's checkers read the object anonymously and cannot use a KMS key.
  #checkov:skip=CKV_AWS_21:One object, rewritten per incident and deleted at failback; its history is the incident record.
  #checkov:skip=CKV2_AWS_61:One object whose life is the incident's; nothing to expire.
}

# All four on: a policy that grants only to a set of CIDRs with aws:SourceIp is not public
# (S3 User Guide, "The meaning of public"), so BlockPublicPolicy accepts the checkers' grant.
resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "TlsOnly"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        # A write moves production: only the failover role and the operators may make one, whatever
        # else the account's IAM grants (an explicit deny wins, IAM policy evaluation logic).
        # aws:PrincipalArn of an assumed-role session is its role's ARN.
        Sid       = "OnlyTheFailoverAndOperatorsWrite"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:PutObject", "s3:DeleteObject"]
        Resource  = "${aws_s3_bucket.this.arn}/*"
        Condition = { ArnNotLike = { "aws:PrincipalArn" = var.writer_arns } }
      },
      {
        # An SSE-KMS (or DSSE-KMS) latch is unreadable to the anonymous checkers: it would latch
        # nothing, silently. The bucket default (SSE-S3) applies when no header is sent.
        Sid       = "NoKmsLatch"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.this.arn}/*"
        Condition = { StringEquals = { "s3:x-amz-server-side-encryption" = ["aws:kms", "aws:kms:dsse"] } }
      },
      {
        # SSE-C likewise: a GET without the customer's key fails.
        Sid       = "NoCustomerKeyLatch"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.this.arn}/*"
        Condition = { Null = { "s3:x-amz-server-side-encryption-customer-algorithm" = "false" } }
      },
      {
        # The latch check's HTTPS GET: this one object, from Route 53's checkers' addresses.
        Sid       = "Route53CheckersReadTheLatch"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = local.object_arn
        Condition = { IpAddress = { "aws:SourceIp" = local.health_checker_cidrs } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# What stands in the bucket now, for the refusal in the root module: a latch object under another
# key than the one these checks read means a plan would leave the PRIMARY unlatched.
data "aws_s3_objects" "latch" {
  bucket = aws_s3_bucket.this.id
  prefix = var.key_prefix
}

# Who wrote or deleted the latch, and when: CloudTrail data events, write-only, on this bucket's
# objects. Chosen over S3 server access logs: CloudTrail names the IAM principal of each call and
# delivers every event, where access logs are delivered best effort ("Logging requests with server
# access logging") and cannot leave out the checkers' reads, dozens a minute; the write-only
# selector keeps the trail to the few writes an incident makes.
resource "aws_s3_bucket" "trail" {
  count         = var.write_trail_enabled ? 1 : 0
  bucket_prefix = "${var.name}-trail-"
  force_destroy = var.force_destroy
  #checkov:skip=CKV_AWS_144:The trail of B's latch lives in B with the latch.
  #checkov:skip=CKV_AWS_18:This is the log bucket; logging it would log the logs.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to the trail's log files.
  #checkov:skip=CKV_AWS_145:SSE-S3: CloudTrail writes its log files with the bucket default; a KMS key would need its own policy for CloudTrail, for a handful of events per incident.
  #checkov:skip=CKV_AWS_21:CloudTrail's log file validation (digest files) proves the files unchanged.
  #checkov:skip=CKV2_AWS_61:Kept as long as the account keeps audit records; expiry is the account's policy.
}

resource "aws_s3_bucket_public_access_block" "trail" {
  count                   = var.write_trail_enabled ? 1 : 0
  bucket                  = aws_s3_bucket.trail[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "trail" {
  count  = var.write_trail_enabled ? 1 : 0
  bucket = aws_s3_bucket.trail[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  count  = var.write_trail_enabled ? 1 : 0
  bucket = aws_s3_bucket.trail[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# CloudTrail's documented bucket policy (CloudTrail User Guide, "Amazon S3 bucket policy for
# CloudTrail"), scoped to this trail with aws:SourceArn.
resource "aws_s3_bucket_policy" "trail" {
  count  = var.write_trail_enabled ? 1 : 0
  bucket = aws_s3_bucket.trail[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "TlsOnly"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.trail[0].arn, "${aws_s3_bucket.trail[0].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.trail[0].arn
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
      {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.trail[0].arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn, "s3:x-amz-acl" = "bucket-owner-full-control" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.trail]
}

resource "aws_cloudtrail" "latch_writes" {
  count                         = var.write_trail_enabled ? 1 : 0
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail[0].id
  include_global_service_events = false
  is_multi_region_trail         = false
  enable_log_file_validation    = true
  #checkov:skip=CKV_AWS_67:A trail of one bucket's object writes in B, not the account's trail.
  #checkov:skip=CKV_AWS_35:SSE-S3 on the log bucket (see its skip); the events name bucket, key and principal, no data.
  #checkov:skip=CKV_AWS_252:Nobody subscribes to log file deliveries; the ops topic pages on the failover itself.
  #checkov:skip=CKV2_AWS_10:The trail is an audit record, read after the fact; no CloudWatch Logs stream needed.

  advanced_event_selector {
    name = "Writes and deletes of the latch object"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field  = "readOnly"
      equals = ["false"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = ["${aws_s3_bucket.this.arn}/"]
    }
  }

  depends_on = [aws_s3_bucket_policy.trail]
}
