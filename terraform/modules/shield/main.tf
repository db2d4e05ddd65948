# The origin shield tier: Varnish hosts (Debian's varnish + varnish-vmod-digest) behind one network load
# balancer, in front of the origin's private gateway. The VCL is rendered at boot by the release's
# shield/render-cli.ts, the renderer `npm start` uses. The gateway's security group admits the shield hosts.

locals {
  gateway_host = split(":", var.origin_gateway_host_port)[0]
  gateway_port = tonumber(split(":", var.origin_gateway_host_port)[1])

  cloud_init = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    gateway_host           = local.gateway_host
    gateway_port           = local.gateway_port
    pull_secret_param      = aws_ssm_parameter.pull_secret.name
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
    resources = [aws_ssm_parameter.pull_secret.arn]
  }
}

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

resource "aws_vpc_security_group_ingress_rule" "pullers" {
  for_each          = toset(var.puller_cidrs)
  security_group_id = aws_security_group.shield.id
  description       = "CDN nodes and the edge pull /media (each pull signed)"
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

  network_interfaces {
    associate_public_ip_address = true
    security_groups             = [aws_security_group.shield.id]
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

resource "aws_lb_target_group" "shield" {
  name_prefix = "vshld-"
  port        = 80
  protocol    = "TCP"
  vpc_id      = var.vpc_id
  health_check {
    protocol = "HTTP"
    path     = "/shield/healthz"
    interval = 10
  }

  tags = var.tags
}

resource "aws_lb_listener" "shield" {
  load_balancer_arn = aws_lb.shield.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.shield.arn
  }
}

resource "aws_autoscaling_group" "shield" {
  name_prefix         = "${var.name}-shield-"
  vpc_zone_identifier = var.public_subnet_ids
  min_size            = var.host_count
  max_size            = var.host_count
  desired_capacity    = var.host_count
  health_check_type   = "ELB"
  target_group_arns   = [aws_lb_target_group.shield.arn]

  launch_template {
    id      = aws_launch_template.shield.id
    version = aws_launch_template.shield.latest_version
  }

  # One host at a time: the other keeps serving (and its grace) while a new one warms.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
    }
  }

  dynamic "tag" {
    for_each = merge(var.tags, { Name = "${var.name}-shield" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
