# Two load balancers in front of the same origin hosts: a public one (HTTPS: API, TUS uploads, the
# edge's playlist fetches) and an internal one the CDN nodes pull segments through, inside the VPC.

resource "aws_lb" "public" {
  name_prefix        = "vorao-"
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.public_lb.id]
  # TUS PATCH requests carry large bodies slowly: do not cut them at the default 60 s.
  idle_timeout = 300
  tags         = merge(var.tags, { Name = "${var.name}-origin" })
}

resource "aws_lb" "gateway" {
  name_prefix        = "vorag-"
  load_balancer_type = "application"
  internal           = true
  subnets            = var.private_subnet_ids
  security_groups    = [aws_security_group.gateway_lb.id]
  tags               = merge(var.tags, { Name = "${var.name}-origin-gateway" })
}

resource "aws_lb_target_group" "origin" {
  for_each    = toset(["public", "gateway"])
  name_prefix = each.key == "public" ? "vorop-" : "vorog-"
  port        = var.origin_port
  protocol    = "HTTP"
  vpc_id      = var.vpc_id
  # In-flight uploads get time to finish when a host leaves.
  deregistration_delay = 60

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # One client's TUS PATCHes go to one host: @tus/server's lock is per process.
  dynamic "stickiness" {
    for_each = each.key == "public" ? [1] : []
    content {
      type            = "lb_cookie"
      cookie_duration = 86400
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.origin["public"].arn
  }
}

resource "aws_lb_listener" "http_redirect" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "gateway" {
  load_balancer_arn = aws_lb.gateway.arn
  port              = var.origin_port
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.origin["gateway"].arn
  }
}

# The ingest's hooks (/internal/live/*) come through the internal gateway load balancer only; from the internet they
# are refused here, before the origin (which checks their secret all the same).
resource "aws_lb_listener_rule" "no_public_ingest_hooks" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  condition {
    path_pattern {
      values = ["/internal/live/*"]
    }
  }

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "application/json"
      status_code  = "404"
      message_body = "{\"error\":{\"code\":\"not_found\",\"message\":\"the ingest hooks answer on the internal gateway only\"}}"
    }
  }
}
