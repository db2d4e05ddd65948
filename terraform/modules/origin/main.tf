# The origin on AWS. Provider-specific choices live here and nowhere else: Debian 12 EC2 hosts run
# the release tarball under systemd; secrets travel through SSM Parameter Store, never user-data.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_ami" "debian" {
  count       = var.ami_id == "" ? 1 : 0
  most_recent = true
  owners      = ["136693071363"] # Debian's official AWS account

  filter {
    name   = "name"
    values = ["debian-12-${local.deb_arch}-*"]
  }
}

locals {
  deb_arch  = var.architecture == "arm64" ? "arm64" : "amd64"
  node_arch = var.architecture == "arm64" ? "arm64" : "x64"
  ami_id    = var.ami_id != "" ? var.ami_id : data.aws_ami.debian[0].id
  use_minio = var.storage_backend == "minio"
  # A pool of live workers of its own (vora-live alone, autoscaled on CPU); without it the transcoders poll vora-live.
  live_pool = var.live_worker_max_size > 0
  task_queues = {
    origin     = ""
    transcoder = local.live_pool ? "vora-transcode,vora-playable,vora-captions" : "vora-transcode,vora-playable,vora-live,vora-captions"
    live       = "vora-live"
  }
  param_root  = "/${var.name}"
  public_url  = "https://${var.domain_name}"
  s3_endpoint = local.use_minio ? "http://${one(aws_route53_record.minio_endpoint[*].fqdn)}:9000" : var.s3_endpoint
  s3_access   = local.use_minio ? "vora-${one(random_password.minio_user[*].result)}" : var.s3_access_key
  s3_secret   = local.use_minio ? one(random_password.minio_password[*].result) : var.s3_secret_key
  # verify-full against the RDS CA bundle the hosts download (node-postgres treats `require` as verify-full).
  database_url = "postgres://${aws_db_instance.metadata.username}:${random_password.db.result}@${aws_db_instance.metadata.address}:${aws_db_instance.metadata.port}/${aws_db_instance.metadata.db_name}?sslmode=verify-full&sslrootcert=/etc/vora/rds-ca.pem"

  # Secret environment per host role, stored as /{name}/{role}/{VARIABLE}; hosts fetch the whole path at boot.
  # secret-env:begin
  secret_env = {
    origin = merge({
      DATABASE_URL         = local.database_url
      S3_ACCESS_KEY_ID     = local.s3_access
      S3_SECRET_ACCESS_KEY = local.s3_secret
      VORA_API_TOKEN       = var.api_token
      VORA_INTERNAL_SECRET = var.internal_secret
      VORA_PULL_SECRET     = var.pull_secret
      VORA_SECRETS_KEY     = var.secrets_key
      # Only during a key rotation (an SSM parameter cannot be empty); whether it is set is not secret, the keys are.
    }, nonsensitive(var.previous_secrets_keys != "") ? { VORA_SECRETS_KEY_PREVIOUS = var.previous_secrets_keys } : {})
    transcoder = {
      S3_ACCESS_KEY_ID     = local.s3_access
      S3_SECRET_ACCESS_KEY = local.s3_secret
    }
    live = local.live_pool ? {
      S3_ACCESS_KEY_ID     = local.s3_access
      S3_SECRET_ACCESS_KEY = local.s3_secret
    } : {}
    minio = local.use_minio ? {
      MINIO_ROOT_USER     = local.s3_access
      MINIO_ROOT_PASSWORD = local.s3_secret
    } : {}
  }
  # secret-env:end

  secret_params = merge([for role, env in local.secret_env : { for key, value in env : "${role}/${key}" => value }]...)
}

resource "random_password" "db" {
  length  = 40
  special = false # goes into DATABASE_URL unescaped
}

resource "random_password" "minio_user" {
  count   = local.use_minio ? 1 : 0
  length  = 16
  special = false
}

resource "random_password" "minio_password" {
  count   = local.use_minio ? 1 : 0
  length  = 40
  special = false
}

resource "aws_ssm_parameter" "secret" {
  # Keys from the literal structure, never from the (sensitive) values, so for_each stays usable.
  for_each    = toset(flatten([for role, env in local.secret_env : [for key, _ in env : "${role}/${key}"]]))
  name        = "${local.param_root}/${each.key}"
  description = "Vora ${split("/", each.key)[0]} environment variable ${split("/", each.key)[1]}"
  type        = "SecureString"
  key_id      = var.kms_key_arn == "" ? null : var.kms_key_arn
  value       = local.secret_params[each.key]
  tags        = var.tags
}

# Cloud-init for an application host (origin or transcoder): Node 20, the release, its systemd units.
locals {
  app_user_data = { for role in keys(local.roles) : role => templatefile("${path.module}/templates/app-host.yaml.tftpl", {
    role                   = role
    param_path             = "${local.param_root}/${role}/"
    node_version           = var.node_version
    node_arch              = local.node_arch
    release_tarball_url    = var.release_tarball_url
    release_tarball_sha256 = var.release_tarball_sha256
    install_script_b64     = filebase64("${path.module}/../../files/install-vora-release.sh")
    fetch_secrets_b64      = filebase64("${path.module}/../../files/fetch-secrets.sh")
    bootstrap_b64          = filebase64("${path.module}/files/bootstrap.mjs")
    origin_port            = var.origin_port
    public_url             = local.public_url
    edge_url               = var.edge_url
    shield_urls            = join(",", var.shield_urls)
    ingest_rtmp_url        = var.ingest_rtmp_url
    ingest_stat_urls       = join(",", var.ingest_stat_urls)
    ingest_srt_ports       = var.ingest_srt_ports
    s3_endpoint            = local.s3_endpoint
    s3_region              = var.s3_region
    raw_bucket             = var.raw_bucket
    media_bucket           = var.media_bucket
    kafka_brokers          = aws_msk_cluster.events.bootstrap_brokers
    kafka_topics           = join(",", var.kafka_topics)
    kafka_partitions       = var.kafka_partitions
    kafka_replication      = min(3, var.kafka_broker_count)
    temporal_address       = var.temporal_address
    temporal_namespace     = var.temporal_namespace
    max_upload_bytes       = var.max_upload_bytes
    x264_preset            = var.x264_preset
    task_queues            = local.task_queues[role]
    # The transcoder's own default (2) beside VOD work; a live worker fills its cores with ladders.
    live_slots = role == "live" ? var.live_worker_slots : 2
    log_level  = var.log_level
    # Rotating a secret rolls the hosts (new launch template version → instance refresh).
    secrets_version = join(".", [for key in sort(keys(aws_ssm_parameter.secret)) : aws_ssm_parameter.secret[key].version if startswith(key, "${role}/")])
  }) }
}
