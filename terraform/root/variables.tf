# Inputs of one Vora environment. Each environment sets them from two files (terraform/README.md):
# envs/<env>.tfvars (committed: its name and size) and envs/<env>.site.tfvars (git-ignored: your
# accounts, network, hostnames, release). No secret is an input: the shared ones are generated here
# and live only in the (encrypted) state, Cloudflare's secret store and SSM.

variable "environment" {
  description = "Environment name, used in every resource name (`vora-<environment>`)."
  type        = string
}

variable "aws_region" {
  description = "AWS region of the origin and the CDN node farm."
  type        = string
}

variable "vpc_id" {
  description = "Existing VPC (public subnets with an internet gateway, private subnets with NAT)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets in two or more AZs: origin load balancer and CDN nodes."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Private subnets in two or more AZs (three for MSK's three brokers): hosts and data services."
  type        = list(string)
}

variable "cloudflare_account_id" {
  description = "Cloudflare account of the edge worker."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone of edge_hostname."
  type        = string
}

variable "edge_hostname" {
  description = "Public hostname of the edge worker, e.g. `watch.example.com`."
  type        = string
}

variable "origin_domain_name" {
  description = "Public hostname of the origin API, e.g. `origin.example.com` (DNS → output origin_lb_dns_name)."
  type        = string
}

variable "origin_certificate_arn" {
  description = "ACM certificate for origin_domain_name in aws_region."
  type        = string
}

variable "edge_bundle_dir" {
  description = "Built worker: `npx wrangler deploy --dry-run --outdir dist/edge` from the repository root."
  type        = string
  default     = "../../dist/edge"
}

variable "edge_assets_directory" {
  description = "Static assets of the worker (wrangler.toml [assets])."
  type        = string
  default     = "../../edge/public"
}

variable "release_tarball_url" {
  description = "HTTPS URL of the release tarball every host installs (terraform/README.md, How to apply, step 2)."
  type        = string
}

variable "release_tarball_sha256" {
  description = "SHA-256 of that tarball."
  type        = string
}

variable "temporal_address" {
  description = "Temporal frontend host:port reachable from the private subnets (self-hosted; see README for Temporal Cloud)."
  type        = string
}

variable "temporal_namespace" {
  description = "Temporal namespace."
  type        = string
  default     = "default"
}

variable "storage_backend" {
  description = "`minio` (four-host distributed MinIO) or `s3` (set s3_endpoint and the keys through TF_VAR_ variables)."
  type        = string
  default     = "minio"
}

variable "s3_endpoint" {
  description = "S3 endpoint when storage_backend = s3."
  type        = string
  default     = ""
}

variable "s3_access_key" {
  description = "S3 access key when storage_backend = s3 (pass as TF_VAR_s3_access_key, never in a file)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "s3_secret_key" {
  description = "S3 secret key when storage_backend = s3 (pass as TF_VAR_s3_secret_key)."
  type        = string
  default     = ""
  sensitive   = true
}

# Sizes: no default, so each environment's envs/<env>.tfvars must say them.
variable "origin_count" {
  description = "Origin API hosts."
  type        = number
}

variable "transcoder_count" {
  description = "Transcoder workers."
  type        = number
}

variable "live_worker_min_size" {
  description = "Fewest live workers (Temporal workers on vora-live alone, one ladder per broadcast)."
  type        = number
  default     = 1
}

variable "live_worker_max_size" {
  description = "Most live workers (the group scales on CPU); 0 = no pool of their own, the transcoders run live ladders."
  type        = number
  default     = 4
}

variable "cdn_min_size" {
  description = "Fewest CDN nodes."
  type        = number
}

variable "cdn_max_size" {
  description = "Most CDN nodes."
  type        = number
}

variable "cdn_instance_type" {
  description = "EC2 type of a CDN node."
  type        = string
  default     = "c6in.large"
}

variable "db_multi_az" {
  description = "RDS standby in a second AZ."
  type        = bool
}

variable "shield_count" {
  description = "Shield hosts (one central pair by default): each collapses its own misses, each is purged on delete."
  type        = number
  default     = 2
}

variable "shield_domain_name" {
  description = "Host name of the shield tier, e.g. shield.example.com (its certificate's name); point it at the shield_lb_dns_name output."
  type        = string
}

variable "shield_tls_pem_parameter" {
  description = "SSM SecureString (created by the operator) with the key and certificate chain for shield_domain_name, read by hitch on the shield hosts."
  type        = string
}

variable "cdn_tls_pem_parameter" {
  description = "SSM SecureString (created by the operator) with the key and certificate chain for *.cdn_node_domain: nodes serve HTTPS."
  type        = string
}

variable "cdn_node_domain" {
  description = "Domain of the node farm: each node is https://{instance-id}.{cdn_node_domain} (its DNS record is not created here)."
  type        = string
}

variable "ingest_count" {
  description = "Live ingest hosts behind the ingest load balancer (fixed: the origin reads each one's stat page)."
  type        = number
  default     = 2
}

variable "ingest_domain_name" {
  description = "Host name publishers stream to, e.g. ingest.example.com (its RTMPS certificate's name); point it at the ingest_lb_dns_name output."
  type        = string
}

variable "ingest_tls_pem_parameter" {
  description = "SSM SecureString (created by the operator) with the key and certificate chain for ingest_domain_name, read by hitch on the ingest hosts (RTMPS)."
  type        = string
}

variable "ingest_srt_ports" {
  description = "UDP ports of SRT ingest, one consecutive run (one per SRT-enabled input, e.g. 9710..9729): the load balancer forwards them, the ingest hosts' SRT relay listens, the origin hands them out. Empty: no SRT."
  type        = list(number)
  default     = []
}

variable "previous_secrets_keys" {
  description = "During a rotation of random_bytes.secrets_key: its old value (VORA_SECRETS_KEY_PREVIOUS), so the origins re-seal the stored secrets under the new key. Empty otherwise (terraform/README.md)."
  type        = string
  default     = ""
  sensitive   = true
}
