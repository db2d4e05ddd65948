# One Vora environment: the edge on Cloudflare, the origin on AWS, the origin shield in front of its gateway,
# the CDN node farm between them, and the live ingest tier publishers stream to. Every public hop is HTTPS: viewers → edge and nodes, edge → origin and shield,
# nodes → shield; the gateway answers the shield alone (its security group), plain HTTP stays inside the VPC.
# The same wiring serves every environment; envs/<env>.tfvars says which one and how large.

locals {
  name = "vora-${var.environment}"
}

# Shared secrets, generated so no human types them; rotate with `terraform apply -replace=random_password.<name>`.
resource "random_password" "internal_secret" {
  length  = 48
  special = false # base64url alphabet: it travels in headers and env files
}

resource "random_password" "node_key" {
  length  = 40
  special = false # pasted into nginx.conf: the edge requires [A-Za-z0-9_-]
}

resource "random_password" "pull_secret" {
  length  = 48
  special = false # signs every pull from the private gateway; pasted into nginx.conf and the VCL
}

resource "random_password" "api_token" {
  length  = 40
  special = false
}

# Seals webhook endpoint secrets in the origin's DB. Not to be replaced: sealed secrets would no longer open.
resource "random_bytes" "secrets_key" {
  length = 32
}

module "edge" {
  source = "../modules/edge"

  account_id       = var.cloudflare_account_id
  zone_id          = var.cloudflare_zone_id
  hostname         = var.edge_hostname
  script_name      = "vora-edge-${var.environment}"
  bundle_dir       = abspath("${path.root}/${var.edge_bundle_dir}")
  assets_directory = abspath("${path.root}/${var.edge_assets_directory}")
  origin_url       = "https://${var.origin_domain_name}"
  media_url        = module.shield.shield_url
  internal_secret  = random_password.internal_secret.result
  node_key         = random_password.node_key.result
  pull_secret      = random_password.pull_secret.result
}

module "origin" {
  source = "../modules/origin"

  name                   = local.name
  vpc_id                 = var.vpc_id
  public_subnet_ids      = var.public_subnet_ids
  private_subnet_ids     = var.private_subnet_ids
  domain_name            = var.origin_domain_name
  certificate_arn        = var.origin_certificate_arn
  edge_url               = module.edge.edge_url
  release_tarball_url    = var.release_tarball_url
  release_tarball_sha256 = var.release_tarball_sha256
  temporal_address       = var.temporal_address
  temporal_namespace     = var.temporal_namespace
  storage_backend        = var.storage_backend
  s3_endpoint            = var.s3_endpoint
  s3_access_key          = var.s3_access_key
  s3_secret_key          = var.s3_secret_key
  origin_count           = var.origin_count
  transcoder_count       = var.transcoder_count
  live_worker_min_size   = var.live_worker_min_size
  live_worker_max_size   = var.live_worker_max_size
  db_multi_az            = var.db_multi_az
  api_token              = random_password.api_token.result
  internal_secret        = random_password.internal_secret.result
  pull_secret            = random_password.pull_secret.result
  secrets_key            = random_bytes.secrets_key.base64
  previous_secrets_keys  = var.previous_secrets_keys
  shield_urls            = module.shield.purge_urls
  ingest_rtmp_url        = coalesce(module.ingest.rtmps_url, module.ingest.rtmp_url)
  ingest_stat_urls       = module.ingest.stat_urls
  ingest_srt_ports       = module.ingest.srt_port_range
}

module "shield" {
  source = "../modules/shield"

  name                     = local.name
  vpc_id                   = var.vpc_id
  public_subnet_ids        = var.public_subnet_ids
  host_count               = var.shield_count
  domain_name              = var.shield_domain_name
  tls_pem_parameter        = var.shield_tls_pem_parameter
  origin_gateway_host_port = module.origin.gateway_host_port
  origin_security_group_id = module.origin.gateway_security_group_id
  release_tarball_url      = var.release_tarball_url
  release_tarball_sha256   = var.release_tarball_sha256
  pull_secret              = random_password.pull_secret.result
}

module "cdn_nodes" {
  source = "../modules/cdn-nodes"

  name                     = local.name
  vpc_id                   = var.vpc_id
  public_subnet_ids        = var.public_subnet_ids
  instance_type            = var.cdn_instance_type
  min_size                 = var.cdn_min_size
  max_size                 = var.cdn_max_size
  desired_capacity         = var.cdn_min_size
  edge_url                 = module.edge.edge_url
  origin_gateway_host_port = module.shield.shield_host_port
  upstream_tls_name        = var.shield_domain_name
  origin_security_group_id = module.origin.gateway_security_group_id
  tls_pem_parameter        = var.cdn_tls_pem_parameter
  node_domain              = var.cdn_node_domain
  release_tarball_url      = var.release_tarball_url
  release_tarball_sha256   = var.release_tarball_sha256
  internal_secret          = random_password.internal_secret.result
  node_key                 = random_password.node_key.result
  pull_secret              = random_password.pull_secret.result
}

# Publishers stream here: RTMP on 1935, RTMPS on 443 (and 1936), ended on the hosts. nginx asks the origin through its
# internal load balancer before any media flows; the live ladders (vora-live: the live workers' pool, which shares the
# transcoders' security group) pull from the host a stream landed on; the origin reads each host's stat page.
module "ingest" {
  source = "../modules/ingest"

  name                          = local.name
  vpc_id                        = var.vpc_id
  public_subnet_ids             = var.public_subnet_ids
  private_subnet_ids            = var.private_subnet_ids
  host_count                    = var.ingest_count
  domain_name                   = var.ingest_domain_name
  tls_pem_parameter             = var.ingest_tls_pem_parameter
  srt_ports                     = var.ingest_srt_ports
  origin_hook_host_port         = module.origin.gateway_host_port
  origin_hook_security_group_id = module.origin.gateway_security_group_id
  origin_host_security_group_id = module.origin.host_security_group_ids.origin
  puller_security_group_ids     = { transcoder = module.origin.host_security_group_ids.transcoder }
  release_tarball_url           = var.release_tarball_url
  release_tarball_sha256        = var.release_tarball_sha256
  internal_secret               = random_password.internal_secret.result
}
