# Who may talk to whom. Hosts take traffic only from their load balancers; data services only from hosts.

resource "aws_security_group" "public_lb" {
  name_prefix = "${var.name}-origin-public-lb-"
  description = "Vora origin public load balancer: HTTPS from anywhere"
  vpc_id      = var.vpc_id
  tags        = var.tags
  lifecycle { create_before_destroy = true }
}

resource "aws_security_group" "gateway_lb" {
  name_prefix = "${var.name}-origin-gateway-lb-"
  description = "Vora origin internal gateway: segments for the CDN nodes (they add their own rule)"
  vpc_id      = var.vpc_id
  tags        = var.tags
  lifecycle { create_before_destroy = true }
}

resource "aws_security_group" "origin" {
  name_prefix = "${var.name}-origin-host-"
  description = "Vora origin API hosts"
  vpc_id      = var.vpc_id
  tags        = var.tags
  lifecycle { create_before_destroy = true }
}

resource "aws_security_group" "transcoder" {
  name_prefix = "${var.name}-transcoder-"
  description = "Vora transcoder workers: outbound only"
  vpc_id      = var.vpc_id
  tags        = var.tags
  lifecycle { create_before_destroy = true }
}

resource "aws_security_group" "data" {
  name_prefix = "${var.name}-origin-data-"
  description = "Vora RDS, MSK and MinIO: reachable from origin and transcoder hosts"
  vpc_id      = var.vpc_id
  tags        = var.tags
  lifecycle { create_before_destroy = true }
}

resource "aws_vpc_security_group_ingress_rule" "public_https" {
  for_each          = toset(["80", "443"])
  security_group_id = aws_security_group.public_lb.id
  description       = "Viewers' players, uploaders and the edge (80 only redirects)"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "origin_from_lbs" {
  for_each                     = { public = aws_security_group.public_lb.id, gateway = aws_security_group.gateway_lb.id }
  security_group_id            = aws_security_group.origin.id
  description                  = "Origin port from the ${each.key} load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.origin_port
  to_port                      = var.origin_port
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_ingress_rule" "data_from_hosts" {
  for_each = {
    "origin-postgres"  = [aws_security_group.origin.id, 5432]
    "origin-kafka"     = [aws_security_group.origin.id, 9092]
    "origin-minio"     = [aws_security_group.origin.id, 9000]
    "transcoder-minio" = [aws_security_group.transcoder.id, 9000]
    "minio-minio"      = [aws_security_group.data.id, 9000]
  }
  security_group_id            = aws_security_group.data.id
  description                  = "Vora ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value[1]
  to_port                      = each.value[1]
  referenced_security_group_id = each.value[0]
}

resource "aws_vpc_security_group_ingress_rule" "minio_from_nlb" {
  count             = local.use_minio ? length(var.private_subnet_ids) : 0
  security_group_id = aws_security_group.data.id
  description       = "MinIO behind the internal NLB (client addresses are preserved, health checks come from its subnets)"
  ip_protocol       = "tcp"
  from_port         = 9000
  to_port           = 9000
  cidr_ipv4         = data.aws_subnet.private[count.index].cidr_block
}

data "aws_subnet" "private" {
  count = length(var.private_subnet_ids)
  id    = var.private_subnet_ids[count.index]
}

resource "aws_vpc_security_group_egress_rule" "all" {
  for_each = {
    public_lb  = aws_security_group.public_lb.id
    gateway_lb = aws_security_group.gateway_lb.id
    origin     = aws_security_group.origin.id
    transcoder = aws_security_group.transcoder.id
    data       = aws_security_group.data.id
  }
  security_group_id = each.value
  description       = "Outbound (package mirrors, SSM, Temporal, the edge)"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
