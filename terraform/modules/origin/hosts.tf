# Origin API hosts, transcoder workers and (optionally) live workers: one launch template and one group per role.
# Origin and transcoder groups are fixed-size; the live workers' group scales on CPU (one live ladder per broadcast).
# A new release (tarball URL/hash) or a rotated secret rolls the group through an instance refresh.

locals {
  roles = merge({
    origin = {
      instance_type = var.origin_instance_type
      min           = var.origin_count
      max           = var.origin_count
      desired       = var.origin_count
      volume_gb     = 30
      sg            = aws_security_group.origin.id
      target_groups = [for tg in aws_lb_target_group.origin : tg.arn]
    }
    transcoder = {
      instance_type = var.transcoder_instance_type
      min           = var.transcoder_count
      max           = var.transcoder_count
      desired       = var.transcoder_count
      volume_gb     = var.transcode_volume_gb
      sg            = aws_security_group.transcoder.id
      target_groups = []
    }
    }, local.live_pool ? {
    # The same process as a transcoder, polling vora-live alone; the transcoders' security group (MinIO, the ingest).
    live = {
      instance_type = var.live_worker_instance_type
      min           = var.live_worker_min_size
      max           = var.live_worker_max_size
      desired       = null # the scaling policy's
      volume_gb     = 30
      sg            = aws_security_group.transcoder.id
      target_groups = []
    }
  } : {})
}

resource "aws_launch_template" "app" {
  for_each      = local.roles
  name_prefix   = "${var.name}-${each.key}-"
  image_id      = local.ami_id
  instance_type = each.value.instance_type
  user_data     = base64gzip(local.app_user_data[each.key])

  iam_instance_profile {
    arn = aws_iam_instance_profile.host[each.key].arn
  }

  vpc_security_group_ids = [each.value.sg]

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = each.value.volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-${each.key}", "vora:role" = each.key })
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "app" {
  for_each            = local.roles
  name                = "${var.name}-${each.key}"
  vpc_zone_identifier = var.private_subnet_ids
  min_size            = each.value.min
  max_size            = each.value.max
  desired_capacity    = each.value.desired
  target_group_arns   = each.value.target_groups
  # Origin hosts are replaced when the load balancer finds them unhealthy; workers when EC2 does.
  health_check_type         = each.key == "origin" ? "ELB" : "EC2"
  health_check_grace_period = 600

  launch_template {
    id      = aws_launch_template.app[each.key].id
    version = aws_launch_template.app[each.key].latest_version
  }

  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
      instance_warmup        = 300
    }
  }

  dynamic "tag" {
    for_each = merge(var.tags, { Name = "${var.name}-${each.key}" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

# Live workers scale on CPU: a 720p+360p ladder takes ~60 % of a core, so CPU follows the broadcasts. Scale-in stops a
# worker's ladders, which Temporal retries on another worker: viewers see one discontinuity. Instance refresh, too.
resource "aws_autoscaling_policy" "live_cpu" {
  count                  = local.live_pool ? 1 : 0
  name                   = "${var.name}-live-cpu"
  autoscaling_group_name = aws_autoscaling_group.app["live"].name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = var.live_worker_target_cpu_percent
  }
}
