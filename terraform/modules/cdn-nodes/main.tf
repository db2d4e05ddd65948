# The nginx CDN node farm: one launch template, one autoscaling group, and the boot script that
# renders nginx.conf from edge/cdn-node/nginx.conf.template with the same code `npm start` uses.

locals {
  # Fixed, so the boot script can name its own group without a dependency cycle.
  asg_name            = "${var.name}-cdn-nodes"
  drain_hook_name     = "${var.name}-cdn-drain"
  nginx_template_path = "${path.module}/../../../edge/cdn-node/nginx.conf.template"

  cloud_init = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    asg_name               = local.asg_name
    drain_hook_name        = local.drain_hook_name
    drain_seconds          = var.drain_seconds
    edge_url               = var.edge_url
    origin_gateway         = var.origin_gateway_host_port
    release_tarball_url    = var.release_tarball_url
    release_tarball_sha256 = var.release_tarball_sha256
    node_version           = var.node_version
    node_arch              = var.architecture == "arm64" ? "arm64" : "x64"
    node_capacity          = var.node_capacity
    heartbeat_interval_ms  = var.heartbeat_interval_ms
    cache_max_size         = var.cache_max_size
    internal_secret_param  = aws_ssm_parameter.internal_secret.name
    node_key_param         = aws_ssm_parameter.node_key.name
    pull_secret_param      = aws_ssm_parameter.pull_secret.name
    tls_pem_param          = var.tls_pem_parameter
    node_domain            = var.node_domain
    upstream_tls_name      = var.upstream_tls_name
    # A rotated secret changes the launch template, so the instance refresh rolls it out node by node.
    secrets_version = "${aws_ssm_parameter.internal_secret.version}.${aws_ssm_parameter.node_key.version}.${aws_ssm_parameter.pull_secret.version}"
    # Embedded so a template change rolls a new launch template (and an instance refresh).
    nginx_template_b64 = filebase64(local.nginx_template_path)
    install_script_b64 = filebase64("${path.module}/../../files/install-vora-release.sh")
  })
}

data "aws_region" "current" {}

data "aws_ami" "debian" {
  count       = var.ami_id == "" ? 1 : 0
  most_recent = true
  owners      = ["136693071363"] # Debian's official AWS account

  filter {
    name   = "name"
    values = ["debian-12-${var.architecture == "arm64" ? "arm64" : "amd64"}-*"]
  }
}

resource "aws_security_group" "node" {
  name_prefix = "${var.name}-cdn-node-"
  description = "Vora CDN nodes: HTTP from viewers, anything out"
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "viewers_https" {
  count             = var.tls_pem_parameter == "" ? 0 : 1
  security_group_id = aws_security_group.node.id
  description       = "Viewers fetch segments over HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "viewers_http" {
  security_group_id = aws_security_group.node.id
  description       = "Viewers fetch segments (/media/) and the edge may probe /healthz"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.node.id
  description       = "Origin gateway, the edge, SSM, package mirrors"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# Only while nodes pull from the gateway itself; behind the shield tier the gateway answers the shield alone.
resource "aws_vpc_security_group_ingress_rule" "origin_from_nodes" {
  count                        = var.upstream_tls_name == "" ? 1 : 0
  security_group_id            = var.origin_security_group_id
  description                  = "Vora CDN nodes pull segments from the origin gateway"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(split(":", var.origin_gateway_host_port)[1])
  to_port                      = tonumber(split(":", var.origin_gateway_host_port)[1])
  referenced_security_group_id = aws_security_group.node.id
}

resource "aws_launch_template" "node" {
  name_prefix   = "${var.name}-cdn-node-"
  image_id      = var.ami_id != "" ? var.ami_id : data.aws_ami.debian[0].id
  instance_type = var.instance_type
  user_data     = base64gzip(local.cloud_init)

  iam_instance_profile {
    arn = aws_iam_instance_profile.node.arn
  }

  network_interfaces {
    associate_public_ip_address = true
    security_groups             = [aws_security_group.node.id]
  }

  # IMDSv2 only, one hop: role credentials never reach anything nginx could be tricked into proxying.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  # One-minute NetworkOut/CPU datapoints: scaling reacts within minutes, not quarter hours.
  monitoring {
    enabled = true
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.cache_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-cdn-node", "vora:role" = "cdn-node" })
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "nodes" {
  name                      = local.asg_name
  vpc_zone_identifier       = var.public_subnet_ids
  min_size                  = var.min_size
  max_size                  = var.max_size
  desired_capacity          = var.desired_capacity
  health_check_type         = "EC2"
  health_check_grace_period = 300
  # Scale-in takes the newest first: old nodes hold the warmest caches.
  termination_policies    = ["NewestInstance", "Default"]
  default_instance_warmup = 300

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  # The hook exists before the first instance, so no node is ever terminated without draining.
  initial_lifecycle_hook {
    name                 = local.drain_hook_name
    lifecycle_transition = "autoscaling:EC2_INSTANCE_TERMINATING"
    # The node completes the hook itself after draining; this is the fallback if it cannot.
    heartbeat_timeout = var.drain_seconds + 120
    default_result    = "CONTINUE"
  }

  # A new launch template (release, template, node version) replaces nodes a few at a time, each drained.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 75
      instance_warmup        = 300
    }
  }

  dynamic "tag" {
    for_each = merge(var.tags, { Name = "${var.name}-cdn-node" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    ignore_changes = [desired_capacity]
  }
}

# Egress is what a CDN node runs out of first: keep the average per node near the target.
resource "aws_autoscaling_policy" "egress" {
  name                   = "${var.name}-cdn-egress"
  autoscaling_group_name = aws_autoscaling_group.nodes.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageNetworkOut"
    }
    # NetworkOut is bytes per (one-minute, detailed monitoring) period: Mbit/s → bytes/minute.
    target_value = var.target_egress_mbps * 1000000 / 8 * 60
  }
}

resource "aws_autoscaling_policy" "cpu" {
  name                   = "${var.name}-cdn-cpu"
  autoscaling_group_name = aws_autoscaling_group.nodes.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = var.target_cpu_percent
  }
}
