# The origin shield tier: Varnish hosts (Debian's varnish + varnish-vmod-digest) behind one network load
# balancer, in front of the origin's private gateway. The VCL and hitch's configuration are rendered at boot by
# the release's shield/render-cli.ts, the renderer `npm start` uses. HTTPS only from outside: hitch terminates TLS
# on :443 and hands connections to Varnish's PROXY listener, so the VCL sees every client's own address.
# Fixed hosts, not an autoscaling group: the origin purges each one by its private address (VORA_SHIELD_URLS).
# The gateway's security group admits the shield hosts.

data "aws_vpc" "this" {
  id = var.vpc_id
}

locals {
  purger_cidrs = length(var.purger_cidrs) > 0 ? var.purger_cidrs : [data.aws_vpc.this.cidr_block]
  gateway_host = split(":", var.origin_gateway_host_port)[0]
  gateway_port = tonumber(split(":", var.origin_gateway_host_port)[1])

  cloud_init = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    gateway_host           = local.gateway_host
    gateway_port           = local.gateway_port
    pull_secret_param      = aws_ssm_parameter.pull_secret.name
    tls_pem_param          = var.tls_pem_parameter
    purger_cidrs           = join(",", local.purger_cidrs)
    cache_memory           = var.cache_memory
    grace_seconds          = var.grace_seconds
    release_tarball_url    = var.release_tarball_url
    release_tarball_sha256 = var.release_tarball_sha256
    node_version           = var.node_version
    node_arch              = var.architecture == "arm64" ? "arm64" : "x64"
    secrets_version        = aws_ssm_parameter.pull_secret.version
    install_script_b64     = filebase64("${path.module}/../../files/install-vora-release.sh")
  })
}

data "aws_region" "current" {}

data "aws_ami" "debian" {
  count       = var.ami_id == "" ? 1 : 0
  most_recent = true
  owners      = ["136693071363"] # Debian

  filter {
    name   = "name"
    values = ["debian-12-${var.architecture == "arm64" ? "arm64" : "amd64"}-*"]
  }
}

resource "aws_ssm_parameter" "pull_secret" {
  name        = "/${var.name}/shield/pull-secret"
  description = "Vora VORA_PULL_SECRET: the shield checks pulls and signs its own with it"
  type        = "SecureString"
  value       = var.pull_secret
  tags        = var.tags
}

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "shield" {
  statement {
    sid       = "ReadPullSecret"
    actions   = ["ssm:GetParameter"]
    resources = [aws_ssm_parameter.pull_secret.arn, "arn:aws:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter${var.tls_pem_parameter}"]
  }
}

data "aws_caller_identity" "current" {}

resource "aws_iam_role" "shield" {
  name_prefix        = "${var.name}-shield-"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "shield" {
  role   = aws_iam_role.shield.id
  policy = data.aws_iam_policy_document.shield.json
}

resource "aws_iam_instance_profile" "shield" {
  name_prefix = "${var.name}-shield-"
  role        = aws_iam_role.shield.name
}

resource "aws_security_group" "shield" {
  name_prefix = "${var.name}-shield-"
  description = "Vora shield: signed pulls from the node farm and the edge, anything out"
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# Pulls over HTTPS only (hitch on 443); every pull is signed all the same.
resource "aws_vpc_security_group_ingress_rule" "pullers" {
  for_each          = toset(var.puller_cidrs)
  security_group_id = aws_security_group.shield.id
  description       = "CDN nodes and the edge pull /media over HTTPS (each pull signed)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

# Plain HTTP stays inside the VPC: the load balancer's health check, and the origin's purges.
resource "aws_vpc_security_group_ingress_rule" "plain_from_vpc" {
  for_each          = toset(local.purger_cidrs)
  security_group_id = aws_security_group.shield.id
  description       = "Health checks and the origin's purges (BAN, signed) from inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.shield.id
  description       = "Origin gateway, SSM, package mirrors"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# The private gateway answers the shield (and the nodes, whose module adds their own rule), nobody else.
resource "aws_vpc_security_group_ingress_rule" "origin_from_shield" {
  security_group_id            = var.origin_security_group_id
  description                  = "Vora shield pulls from the origin gateway"
  ip_protocol                  = "tcp"
  from_port                    = local.gateway_port
  to_port                      = local.gateway_port
  referenced_security_group_id = aws_security_group.shield.id
}

resource "aws_launch_template" "shield" {
  name_prefix   = "${var.name}-shield-"
  image_id      = var.ami_id != "" ? var.ami_id : data.aws_ami.debian[0].id
  instance_type = var.instance_type
  user_data     = base64gzip(local.cloud_init)

  iam_instance_profile {
    arn = aws_iam_instance_profile.shield.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-shield", "vora:role" = "shield" })
  }

  tags = var.tags
}

resource "aws_lb" "shield" {
  name_prefix        = "vshld-"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.shield.id]
  tags               = var.tags
}

# TCP passthrough: TLS ends on the hosts (hitch), which keeps the client address for Varnish.
resource "aws_lb_target_group" "shield" {
  name_prefix = "vshld-"
  port        = 443
  protocol    = "TCP"
  vpc_id      = var.vpc_id
  health_check {
    protocol = "HTTP"
    port     = "80"
    path     = "/shield/healthz"
    interval = 10
  }

  tags = var.tags
}

resource "aws_lb_listener" "shield" {
  load_balancer_arn = aws_lb.shield.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.shield.arn
  }
}

resource "aws_instance" "shield" {
  count                       = var.host_count
  subnet_id                   = var.public_subnet_ids[count.index % length(var.public_subnet_ids)]
  vpc_security_group_ids      = [aws_security_group.shield.id]
  associate_public_ip_address = true
  launch_template {
    id      = aws_launch_template.shield.id
    version = aws_launch_template.shield.latest_version
  }
  # A new launch template version (release, secrets version) replaces the host; create_before_destroy keeps one serving.
  tags = merge(var.tags, { Name = "${var.name}-shield-${count.index + 1}" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_target_group_attachment" "shield" {
  count            = var.host_count
  target_group_arn = aws_lb_target_group.shield.arn
  target_id        = aws_instance.shield[count.index].id
  port             = 443
}
