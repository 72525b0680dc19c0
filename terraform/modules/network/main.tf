data "aws_availability_zones" "available" {
  count = var.skip_region_reads ? 0 : 1

  state = "available"
  # The region's own zones: DescribeAvailabilityZones also returns the Local and Wavelength Zones the
  # account opted into, and us-west-2-lax-1a sorts before us-west-2a.
  filter {
    name   = "zone-type"
    values = ["availability-zone"]
  }
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
  #checkov:skip=CKV_AWS_394:The module takes the first availability_zone_count names; an AZ added later sorts after them, and a change would show in the plan before any subnet moves.
}

# The zone names as first read, kept in state: a plan that must not call this region (the role
# switch while it is unreachable) takes them from here. Kept as first read on purpose: the subnets
# already sit in these zones.
resource "terraform_data" "availability_zones" {
  input = one(data.aws_availability_zones.available[*].names)

  lifecycle {
    ignore_changes = [input]

    postcondition {
      condition     = !var.skip_region_reads || self.output != null
      error_message = "The state holds no availability zones of ${var.name}: apply once with the region reachable (skip_region_reads = false) before planning without it."
    }
  }
}

# aws_region and aws_partition answer from the provider's configuration, without a call.
data "aws_region" "current" {}

locals {
  azs = slice(var.skip_region_reads ? terraform_data.availability_zones.output : one(data.aws_availability_zones.available[*].names), 0, var.availability_zone_count)
  # Each tier gets a block of 4 subnets (room for 4 AZs): public 0-3, app 4-7, db 8-11.
  newbits = 24 - tonumber(split("/", var.cidr_block)[1])
  tiers   = { public = 0, app = 4, db = 8 }
  subnets = {
    for pair in setproduct(keys(local.tiers), range(var.availability_zone_count)) :
    "${pair[0]}-${pair[1]}" => {
      tier = pair[0]
      az   = local.azs[pair[1]]
      cidr = cidrsubnet(var.cidr_block, local.newbits, local.tiers[pair[0]] + pair[1])
    }
  }
  # The endpoints are the reachability contract's (reachability.json, beside this file): every
  # service a program in the VPC calls, by the endpoint type the contract names for it.
  vpc_calls = merge([for p in values(jsondecode(file("${path.module}/reachability.json")).programs) : p.calls if p.network == "vpc"]...)
  endpoints = {
    for type in ["interface", "gateway"] : type => var.vpc_endpoints_enabled ? toset([for service, call in local.vpc_calls : service if try(call.endpoint, null) == type]) : toset([])
  }
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true
  #checkov:skip=CKV2_AWS_11:VPC flow logs are an organisation-wide choice (often a central bucket); not part of this module.
  tags = merge(var.tags, { Name = var.name })
}

# Removes the default security group's rules so that nothing uses it by accident.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-default-unused" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "this" {
  for_each = local.subnets

  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value.cidr
  availability_zone = each.value.az
  tags              = merge(var.tags, { Name = "${var.name}-${each.key}", Tier = each.value.tier })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "this" {
  for_each = local.subnets

  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = each.value.tier == "public" ? aws_route_table.public.id : aws_route_table.private.id
}

resource "aws_eip" "nat" {
  count = var.nat_gateway_enabled ? 1 : 0

  domain = "vpc"
  tags   = merge(var.tags, { Name = "${var.name}-nat" })
}

resource "aws_nat_gateway" "this" {
  count = var.nat_gateway_enabled ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.this["public-0"].id
  tags          = merge(var.tags, { Name = var.name })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route" "private_nat" {
  count = var.nat_gateway_enabled ? 1 : 0

  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

resource "aws_security_group" "endpoints" {
  count = var.vpc_endpoints_enabled ? 1 : 0

  name        = "${var.name}-vpc-endpoints"
  description = "HTTPS from inside the VPC to the interface endpoints"
  vpc_id      = aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.name}-vpc-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  count = var.vpc_endpoints_enabled ? 1 : 0

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.cidr_block
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.endpoints.interface

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for k, s in local.subnets : aws_subnet.this[k].id if s.tier == "app"]
  security_group_ids  = [aws_security_group.endpoints[0].id]
  tags                = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

# Gateway endpoints are free; S3's also serves the AL2023 package repositories (hosted on S3).
resource "aws_vpc_endpoint" "gateway" {
  for_each = local.endpoints.gateway

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
  tags              = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

moved {
  from = aws_vpc_endpoint.s3[0]
  to   = aws_vpc_endpoint.gateway["s3"]
}
