# The live ingest tier: nginx with Debian's libnginx-mod-rtmp on fixed hosts behind one network load balancer.
# RTMP passes through on 1935; RTMPS (443, and 1936 for encoders that expect it) ends on the hosts, where Debian's
# hitch hands the plain stream to nginx-rtmp on loopback. nginx.conf and hitch.conf are rendered at boot by the
# release's ingest/render-cli.ts, the renderer `npm start` uses. nginx asks the origin before any media flows
# (on_publish through the internal gateway load balancer), and tells it which host to pull the stream from.
#
# Fixed hosts, not an autoscaling group: the origin reads each host's stat page by its private address
# (VORA_INGEST_STAT_URLS, a list fixed at apply), the live ladders pull from the host a stream landed on, and an
# RTMP connection cannot move — a scale-in would cut a live broadcast. A host is replaced only by an apply.

data "aws_vpc" "this" {
  id = var.vpc_id
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  # Ports on a host: nginx-rtmp, hitch's RTMPS front (into rtmp_port), the stat page (private address), and the
  # loopback relay nginx-rtmp's hooks go through to the origin (ingest/render-config.ts, hookRelay).
  rtmp_port       = 1935
  rtmps_port      = 443
  stat_port       = 1936
  hook_relay_port = 1937
  puller_cidrs    = length(var.puller_cidrs) > 0 ? var.puller_cidrs : [data.aws_vpc.this.cidr_block]

  # One target group per kind of listener; each listener of a kind forwards to it.
  listeners = merge(
    { rtmp = { port = local.rtmp_port, protocol = "TCP", target_group = "rtmp" } },
    { for port in var.rtmps_ports : "rtmps-${port}" => { port = port, protocol = "TCP", target_group = "rtmps" } },
    { for port in var.srt_ports : "srt-${port}" => { port = port, protocol = "UDP", target_group = "srt-${port}" } },
  )
  target_groups = merge(
    { rtmp = { port = local.rtmp_port, protocol = "TCP" } },
    length(var.rtmps_ports) > 0 ? { rtmps = { port = local.rtmps_port, protocol = "TCP" } } : {},
    { for port in var.srt_ports : "srt-${port}" => { port = port, protocol = "UDP" } },
  )
  attachments = merge([for key, tg in local.target_groups : { for index in range(var.host_count) : "${key}/${index}" => { target_group = key, host = index, port = tg.port } }]...)

  cloud_init = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    origin_url             = "http://${var.origin_hook_host_port}"
    internal_secret_param  = aws_ssm_parameter.internal_secret.name
    tls_pem_param          = var.tls_pem_parameter
    rtmp_port              = local.rtmp_port
    rtmps_port             = local.rtmps_port
    stat_port              = local.stat_port
    hook_relay_port        = local.hook_relay_port
    play_allowed           = join(",", local.puller_cidrs)
    stat_allowed           = join(",", local.puller_cidrs)
    idle_publisher_seconds = var.idle_publisher_seconds
    release_tarball_url    = var.release_tarball_url
    release_tarball_sha256 = var.release_tarball_sha256
    node_version           = var.node_version
    node_arch              = var.architecture == "arm64" ? "arm64" : "x64"
    secrets_version        = aws_ssm_parameter.internal_secret.version
    install_script_b64     = filebase64("${path.module}/../../files/install-vora-release.sh")
    srt_enabled            = length(var.srt_ports) > 0
  })
}

data "aws_ami" "debian" {
  count       = var.ami_id == "" ? 1 : 0
  most_recent = true
  owners      = ["136693071363"] # Debian

  filter {
    name   = "name"
    values = ["debian-12-${var.architecture == "arm64" ? "arm64" : "amd64"}-*"]
  }
}

# nginx-rtmp cannot set headers: the origin's hooks take the secret in their query (ingest/render-config.ts).
resource "aws_ssm_parameter" "internal_secret" {
  name        = "/${var.name}/ingest/internal-secret"
  description = "Vora VORA_INTERNAL_SECRET: the ingest's on_publish/on_publish_done/on_update hooks carry it to the origin"
  type        = "SecureString"
  key_id      = var.kms_key_arn == "" ? null : var.kms_key_arn
  value       = var.internal_secret
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

data "aws_iam_policy_document" "ingest" {
  statement {
    sid       = "ReadIngestSecrets"
    actions   = ["ssm:GetParameter"]
    resources = [aws_ssm_parameter.internal_secret.arn, "arn:aws:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter${var.tls_pem_parameter}"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == "" ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptIngestSecrets"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role" "ingest" {
  name_prefix        = "${var.name}-ingest-"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "ingest" {
  role   = aws_iam_role.ingest.id
  policy = data.aws_iam_policy_document.ingest.json
}

resource "aws_iam_instance_profile" "ingest" {
  name_prefix = "${var.name}-ingest-"
  role        = aws_iam_role.ingest.name
}

# The load balancer's own group: publishers reach the listeners, nothing else.
resource "aws_security_group" "lb" {
  name_prefix = "${var.name}-ingest-lb-"
  description = "Vora ingest load balancer: RTMP, RTMPS (and SRT) from publishers"
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "lb_from_publishers" {
  for_each          = { for pair in setproduct(keys(local.listeners), var.publisher_cidrs) : "${pair[0]}/${pair[1]}" => { listener = local.listeners[pair[0]], cidr = pair[1] } }
  security_group_id = aws_security_group.lb.id
  description       = "Publishers' encoders (${each.value.listener.protocol} ${each.value.listener.port})"
  ip_protocol       = lower(each.value.listener.protocol)
  from_port         = each.value.listener.port
  to_port           = each.value.listener.port
  cidr_ipv4         = each.value.cidr
}

resource "aws_vpc_security_group_egress_rule" "lb_to_hosts" {
  for_each                     = local.target_groups
  security_group_id            = aws_security_group.lb.id
  description                  = "Forward ${each.key} to the ingest hosts (and health-check them)"
  ip_protocol                  = lower(each.value.protocol)
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.ingest.id
}

resource "aws_security_group" "ingest" {
  name_prefix = "${var.name}-ingest-"
  description = "Vora ingest hosts: streams from the load balancer, pulls from the live workers, stat page for the origin"
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# The load balancer keeps client addresses, so the hosts admit its group rather than its subnets. Every target group is
# health-checked over TCP (a UDP port cannot be): on its own port, SRT's on the RTMP port, which the rtmp group opens.
resource "aws_vpc_security_group_ingress_rule" "streams_from_lb" {
  for_each                     = local.target_groups
  security_group_id            = aws_security_group.ingest.id
  description                  = "Streams and health checks from the ingest load balancer (${each.key})"
  ip_protocol                  = lower(each.value.protocol)
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.lb.id
}

# Live ladders pull `rtmp://{private address}:1935/live/{inputId}`; nginx also allows `play` from puller_cidrs only.
resource "aws_vpc_security_group_ingress_rule" "pull_from_workers" {
  for_each                     = var.puller_security_group_ids
  security_group_id            = aws_security_group.ingest.id
  description                  = "Live ladders on the ${each.key} hosts pull streams"
  ip_protocol                  = "tcp"
  from_port                    = local.rtmp_port
  to_port                      = local.rtmp_port
  referenced_security_group_id = each.value
}

# The stat page (each publisher's bitrate) answers the origin hosts alone.
resource "aws_vpc_security_group_ingress_rule" "stat_from_origin" {
  security_group_id            = aws_security_group.ingest.id
  description                  = "The origin reads the nginx-rtmp stat page (VORA_INGEST_STAT_URLS)"
  ip_protocol                  = "tcp"
  from_port                    = local.stat_port
  to_port                      = local.stat_port
  referenced_security_group_id = var.origin_host_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.ingest.id
  description       = "The origin's hooks, SSM, package mirrors"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# The hooks reach the origin through its internal gateway load balancer, which answers the ingest besides the shield.
# (The public load balancer refuses /internal/live/*: see modules/origin/lb.tf.)
resource "aws_vpc_security_group_ingress_rule" "hooks_to_origin" {
  security_group_id            = var.origin_hook_security_group_id
  description                  = "Vora ingest hooks (on_publish, on_publish_done, on_update) to the origin"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(split(":", var.origin_hook_host_port)[1])
  to_port                      = tonumber(split(":", var.origin_hook_host_port)[1])
  referenced_security_group_id = aws_security_group.ingest.id
}

resource "aws_launch_template" "ingest" {
  name_prefix   = "${var.name}-ingest-"
  image_id      = var.ami_id != "" ? var.ami_id : data.aws_ami.debian[0].id
  instance_type = var.instance_type
  user_data     = base64gzip(local.cloud_init)

  iam_instance_profile {
    arn = aws_iam_instance_profile.ingest.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-ingest", "vora:role" = "ingest" })
  }

  tags = var.tags
}

resource "aws_instance" "ingest" {
  count                  = var.host_count
  subnet_id              = var.private_subnet_ids[count.index % length(var.private_subnet_ids)]
  vpc_security_group_ids = [aws_security_group.ingest.id]
  launch_template {
    id      = aws_launch_template.ingest.id
    version = aws_launch_template.ingest.latest_version
  }
  # A new launch template version (release, secret version) replaces the host — and cuts its publishers, who
  # reconnect through the load balancer to another host within their input's reconnect window.
  tags = merge(var.tags, { Name = "${var.name}-ingest-${count.index + 1}" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb" "ingest" {
  name_prefix        = "vingt-"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.lb.id]
  tags               = var.tags
}

# TCP (and UDP) passthrough: the client address reaches nginx-rtmp on 1935 (its on_publish `addr`); TLS ends on the hosts.
resource "aws_lb_target_group" "ingest" {
  for_each    = local.target_groups
  name_prefix = "ving-"
  port        = each.value.port
  protocol    = each.value.protocol
  vpc_id      = var.vpc_id
  # A broadcast lasts hours: a deregistered host keeps its publishers until they leave or the delay runs out.
  deregistration_delay = var.deregistration_delay_seconds

  health_check {
    protocol = "TCP"
    port     = each.value.protocol == "UDP" ? tostring(local.rtmp_port) : "traffic-port"
    interval = 10
  }

  tags = merge(var.tags, { Name = "${var.name}-ingest-${each.key}" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "ingest" {
  for_each          = local.listeners
  load_balancer_arn = aws_lb.ingest.arn
  port              = each.value.port
  protocol          = each.value.protocol

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ingest[each.value.target_group].arn
  }
}

resource "aws_lb_target_group_attachment" "ingest" {
  for_each         = local.attachments
  target_group_arn = aws_lb_target_group.ingest[each.value.target_group].arn
  target_id        = aws_instance.ingest[each.value.host].id
  port             = each.value.port
}
