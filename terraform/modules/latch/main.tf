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

locals {
  object_arn = "${aws_s3_bucket.this.arn}/${var.key}"
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
  #checkov:skip=CKV_AWS_18:Access logs of a bucket read only by Route 53's checkers every 30 s add cost without audit value; CloudTrail data events cover the writes where required.
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
