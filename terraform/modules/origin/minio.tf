# Distributed MinIO on four hosts (storage_backend = "minio"): one erasure set over four drives, so
# any one host can be lost without losing data or writes. Names come from a private DNS zone
# because MinIO's `http://minio{1...4}` volume syntax needs sequential hostnames.

locals {
  minio_count        = local.use_minio ? 4 : 0
  minio_zone         = "${var.name}.vora.internal"
  minio_download_url = var.minio_download_url != "" ? var.minio_download_url : "https://dl.min.io/server/minio/release/linux-${local.deb_arch}/minio"
}

resource "aws_route53_zone" "internal" {
  count = local.use_minio ? 1 : 0
  name  = local.minio_zone
  vpc {
    vpc_id = var.vpc_id
  }
  tags = var.tags
}

resource "aws_instance" "minio" {
  count                  = local.minio_count
  ami                    = local.ami_id
  instance_type          = var.minio_instance_type
  subnet_id              = var.private_subnet_ids[count.index % length(var.private_subnet_ids)]
  vpc_security_group_ids = [aws_security_group.data.id]
  iam_instance_profile   = aws_iam_instance_profile.host["minio"].name
  user_data_base64 = base64gzip(templatefile("${path.module}/templates/minio-host.yaml.tftpl", {
    hostname          = "minio${count.index + 1}.${local.minio_zone}"
    volumes           = "http://minio{1...4}.${local.minio_zone}:9000/mnt/data/minio"
    download_url      = local.minio_download_url
    param_path        = "${local.param_root}/minio/"
    fetch_secrets_b64 = filebase64("${path.module}/../../files/fetch-secrets.sh")
  }))

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
    encrypted   = true
  }

  tags = merge(var.tags, { Name = "${var.name}-minio${count.index + 1}", "vora:role" = "minio" })

  lifecycle {
    # The data lives on the attached volume; a new AMI must not replace a storage host by surprise.
    ignore_changes = [ami, user_data_base64]
  }
}

resource "aws_ebs_volume" "minio" {
  count             = local.minio_count
  availability_zone = aws_instance.minio[count.index].availability_zone
  size              = var.minio_volume_gb
  type              = "gp3"
  encrypted         = true
  kms_key_id        = var.kms_key_arn == "" ? null : var.kms_key_arn
  tags              = merge(var.tags, { Name = "${var.name}-minio${count.index + 1}-data" })
}

resource "aws_volume_attachment" "minio" {
  count       = local.minio_count
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.minio[count.index].id
  instance_id = aws_instance.minio[count.index].id
}

resource "aws_route53_record" "minio_host" {
  count   = local.minio_count
  zone_id = aws_route53_zone.internal[0].zone_id
  name    = "minio${count.index + 1}.${local.minio_zone}"
  type    = "A"
  ttl     = 60
  records = [aws_instance.minio[count.index].private_ip]
}

resource "aws_lb" "minio" {
  count              = local.use_minio ? 1 : 0
  name_prefix        = "vorams"
  load_balancer_type = "network"
  internal           = true
  subnets            = var.private_subnet_ids
  tags               = merge(var.tags, { Name = "${var.name}-minio" })
}

resource "aws_lb_target_group" "minio" {
  count       = local.use_minio ? 1 : 0
  name_prefix = "vorams"
  port        = 9000
  protocol    = "TCP"
  vpc_id      = var.vpc_id

  health_check {
    protocol = "HTTP"
    path     = "/minio/health/live"
    port     = "9000"
  }

  tags = var.tags
}

resource "aws_lb_target_group_attachment" "minio" {
  count            = local.minio_count
  target_group_arn = aws_lb_target_group.minio[0].arn
  target_id        = aws_instance.minio[count.index].id
  port             = 9000
}

resource "aws_lb_listener" "minio" {
  count             = local.use_minio ? 1 : 0
  load_balancer_arn = aws_lb.minio[0].arn
  port              = 9000
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.minio[0].arn
  }
}

# S3_ENDPOINT for origin and transcoder: a stable name in front of the NLB.
resource "aws_route53_record" "minio_endpoint" {
  count   = local.use_minio ? 1 : 0
  zone_id = aws_route53_zone.internal[0].zone_id
  name    = "s3.${local.minio_zone}"
  type    = "A"

  alias {
    name                   = aws_lb.minio[0].dns_name
    zone_id                = aws_lb.minio[0].zone_id
    evaluate_target_health = true
  }
}
