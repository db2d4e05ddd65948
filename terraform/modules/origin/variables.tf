# Inputs of the origin on AWS: API hosts behind a load balancer, transcoder workers, object
# storage (distributed MinIO by default, or any S3 endpoint), MSK, RDS PostgreSQL, and Temporal.

variable "name" {
  description = "Prefix for every resource name, e.g. `vora-staging`."
  type        = string
}

variable "vpc_id" {
  description = "VPC for every origin resource."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets (two or more AZs) for the internet-facing load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Private subnets (two or more AZs, with NAT egress) for hosts, RDS, MSK and MinIO. MSK takes as many as its broker count divides."
  type        = list(string)
}

variable "domain_name" {
  description = "Public hostname of the origin API, TUS uploads and gateway, e.g. `origin.example.com` (point it at the `public_lb_dns_name` output)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for domain_name, in this region."
  type        = string
}

variable "edge_url" {
  description = "Public URL of the edge worker (EDGE_URL)."
  type        = string
}

variable "architecture" {
  description = "CPU architecture of the instance types: `x86_64` or `arm64`."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "ami_id" {
  description = "AMI for every host; empty picks the newest official Debian 12 image."
  type        = string
  default     = ""
}

variable "release_tarball_url" {
  description = "HTTPS URL of the Vora release tarball (repo + production node_modules)."
  type        = string
}

variable "release_tarball_sha256" {
  description = "SHA-256 of the release tarball."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.release_tarball_sha256))
    error_message = "release_tarball_sha256 must be 64 lowercase hex digits."
  }
}

variable "node_version" {
  description = "Node.js 20 release installed from nodejs.org."
  type        = string
  default     = "20.19.5"

  validation {
    condition     = can(regex("^20\\.\\d+\\.\\d+$", var.node_version))
    error_message = "node_version must be a Node 20 release such as 20.19.5."
  }
}

# --- origin API hosts -------------------------------------------------------------------------

variable "origin_instance_type" {
  description = "EC2 type of an origin API host."
  type        = string
  default     = "m6i.large"
}

variable "origin_count" {
  description = "Number of origin API hosts behind the load balancer."
  type        = number
  default     = 2
}

variable "origin_port" {
  description = "ORIGIN_PORT the origin listens on (also the internal gateway port the CDN nodes use)."
  type        = number
  default     = 8080
}

variable "max_upload_bytes" {
  description = "VORA_MAX_UPLOAD_BYTES."
  type        = number
  default     = 21474836480
}

# --- transcoder workers -----------------------------------------------------------------------

variable "transcoder_instance_type" {
  description = "EC2 type of a transcoder worker (compute-optimised: x264 is CPU-bound)."
  type        = string
  default     = "c6i.2xlarge"
}

variable "live_worker_min_size" {
  description = "Fewest live workers (Temporal workers on vora-live alone); a broadcast starts at once while one has a free slot."
  type        = number
  default     = 0
}

variable "live_worker_max_size" {
  description = "Most live workers; 0 = no pool of their own, the transcoder workers poll vora-live beside VOD work."
  type        = number
  default     = 0
}

variable "live_worker_instance_type" {
  description = "EC2 type of a live worker (compute-optimised: each broadcast is a real-time x264 ladder)."
  type        = string
  default     = "c7g.xlarge"
}

variable "live_worker_slots" {
  description = "Live ladders one live worker runs at once (TRANSCODE_LIVE_SLOTS): about 60 % of a core each at 720p+360p."
  type        = number
  default     = 4
}

variable "live_worker_target_cpu_percent" {
  description = "Average CPU the live workers' group scales to keep: below 100 so a new broadcast finds a free slot while a host boots."
  type        = number
  default     = 50
}

variable "transcoder_count" {
  description = "Number of transcoder workers polling `vora-transcode` (and `vora-live` unless live workers have their own pool)."
  type        = number
  default     = 2
}

variable "x264_preset" {
  description = "X264_PRESET of the transcoder."
  type        = string
  default     = "veryfast"
}

variable "transcode_volume_gb" {
  description = "Root volume of a transcoder (scratch space for encodes)."
  type        = number
  default     = 200
}

# --- object storage ---------------------------------------------------------------------------

variable "storage_backend" {
  description = "`minio`: distributed MinIO on four hosts (default). `s3`: an existing S3-compatible endpoint given by the s3_* variables."
  type        = string
  default     = "minio"

  validation {
    condition     = contains(["minio", "s3"], var.storage_backend)
    error_message = "storage_backend must be minio or s3."
  }
}

variable "minio_instance_type" {
  description = "EC2 type of a MinIO host."
  type        = string
  default     = "m6i.large"
}

variable "minio_volume_gb" {
  description = "Data volume per MinIO host (four hosts, erasure-coded: usable space is about half of the total)."
  type        = number
  default     = 500
}

variable "minio_download_url" {
  description = "URL of the MinIO server binary; empty takes the latest release for the architecture (pin an archived release in production)."
  type        = string
  default     = ""
}

variable "s3_endpoint" {
  description = "S3_ENDPOINT when storage_backend = s3, e.g. `https://s3.eu-west-1.amazonaws.com`."
  type        = string
  default     = ""
}

variable "s3_region" {
  description = "S3_REGION."
  type        = string
  default     = "us-east-1"
}

variable "s3_access_key" {
  description = "Access key id when storage_backend = s3 (the processes take static keys, not an instance role)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "s3_secret_key" {
  description = "Secret key when storage_backend = s3."
  type        = string
  default     = ""
  sensitive   = true
}

variable "raw_bucket" {
  description = "S3_RAW_BUCKET (uploads)."
  type        = string
  default     = "vora-raw"
}

variable "media_bucket" {
  description = "S3_MEDIA_BUCKET (renditions, thumbnails)."
  type        = string
  default     = "vora-media"
}

# --- Kafka (MSK) ------------------------------------------------------------------------------

variable "kafka_version" {
  description = "Kafka version of the MSK cluster."
  type        = string
  default     = "3.6.0"
}

variable "kafka_instance_type" {
  description = "MSK broker type."
  type        = string
  default     = "kafka.m7g.large"
}

variable "kafka_broker_count" {
  description = "MSK brokers (a multiple of the private subnet count)."
  type        = number
  default     = 3
}

variable "kafka_volume_gb" {
  description = "EBS per broker."
  type        = number
  default     = 100
}

variable "kafka_topics" {
  description = "Topics created at boot (keep equal to stack/components/kafka.ts kafkaTopics)."
  type        = list(string)
  default     = ["video-events", "channel-events", "config-updates", "config-requests", "playback-events"]
}

variable "kafka_partitions" {
  description = "Partitions per topic."
  type        = number
  default     = 6
}

# --- Temporal ---------------------------------------------------------------------------------

variable "temporal_address" {
  description = "TEMPORAL_ADDRESS (host:port) of a Temporal frontend reachable from the private subnets."
  type        = string

  validation {
    condition     = can(regex("^[^:\\s]+:\\d+$", var.temporal_address))
    error_message = "temporal_address must be host:port."
  }
}

variable "temporal_namespace" {
  description = "TEMPORAL_NAMESPACE."
  type        = string
  default     = "default"
}

# --- PostgreSQL (RDS) -------------------------------------------------------------------------

variable "db_instance_class" {
  description = "RDS instance class of the metadata database."
  type        = string
  default     = "db.m6g.large"
}

variable "db_allocated_storage_gb" {
  description = "RDS storage."
  type        = number
  default     = 50
}

variable "db_engine_version" {
  description = "PostgreSQL major version on RDS."
  type        = string
  default     = "16"
}

variable "db_multi_az" {
  description = "Standby in a second AZ."
  type        = bool
  default     = true
}

variable "db_deletion_protection" {
  description = "Refuse to destroy the database (turn off only to tear down an environment)."
  type        = bool
  default     = true
}

# --- secrets ----------------------------------------------------------------------------------

variable "api_token" {
  description = "VORA_API_TOKEN: the bootstrap operator token of the API (16+ characters)."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.api_token) >= 16
    error_message = "api_token must be at least 16 characters."
  }
}

variable "internal_secret" {
  description = "VORA_INTERNAL_SECRET: the edge's INTERNAL_SECRET, for the origin's calls to /internal/*."
  type        = string
  sensitive   = true
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for SSM parameters, RDS and MSK; empty uses AWS-managed keys."
  type        = string
  default     = ""
}

variable "log_level" {
  description = "LOG_LEVEL of origin and transcoder."
  type        = string
  default     = "info"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "pull_secret" {
  description = "VORA_PULL_SECRET: HMAC key of signed pulls from the private gateway (origin, shield, CDN nodes, edge; 16-128 base64url characters)."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{16,128}$", var.pull_secret))
    error_message = "pull_secret must be 16-128 base64url characters: it is pasted into nginx.conf and the VCL."
  }
}

variable "secrets_key" {
  description = "VORA_SECRETS_KEY: 32 random bytes in base64; the origin seals the secrets it stores and reads back with it (AES-256-GCM: webhook, SRT, restream). Replace it only with the old value in previous_secrets_keys (README: Rotating VORA_SECRETS_KEY)."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9+/]{43}=$", var.secrets_key))
    error_message = "secrets_key must be 32 bytes in base64 (44 characters ending in =), e.g. random_bytes.secrets_key.base64."
  }
}

variable "previous_secrets_keys" {
  description = "VORA_SECRETS_KEY_PREVIOUS: the keys secrets_key replaced, during a rotation; the origin re-seals what they sealed under secrets_key at start. Comma-separated; empty once `vora secrets rotate` says the rotation is complete."
  type        = string
  default     = ""
  sensitive   = true

  validation {
    condition     = var.previous_secrets_keys == "" || can(regex("^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$", var.previous_secrets_keys))
    error_message = "previous_secrets_keys must be old secrets_key values (32 bytes in base64, 44 characters ending in =), comma-separated, or empty."
  }
}

variable "shield_urls" {
  description = "Private base URL of every shield host (module shield's purge_urls): a deleted video is purged from each (VORA_SHIELD_URLS)."
  type        = list(string)
  default     = []
}

variable "ingest_rtmp_url" {
  description = "The RTMP(S) application publishers are told to use (module ingest's rtmps_url or rtmp_url): VORA_INGEST_RTMP_URL."
  type        = string

  validation {
    condition     = can(regex("^rtmps?://[^\\s]+$", var.ingest_rtmp_url))
    error_message = "ingest_rtmp_url must be an rtmp:// or rtmps:// URL."
  }
}

variable "ingest_srt_ports" {
  description = "The SRT ports the ingest hosts listen on (module ingest's srt_port_range, e.g. 9710-9729), or off: VORA_SRT_PORTS. Off refuses srt: true on live inputs."
  type        = string
  default     = "off"

  validation {
    condition     = var.ingest_srt_ports == "off" || can(regex("^[0-9]{4,5}-[0-9]{4,5}$", var.ingest_srt_ports))
    error_message = "ingest_srt_ports must be off or a port range like 9710-9729."
  }
}

variable "ingest_stat_urls" {
  description = "Each ingest host's nginx-rtmp stat page (module ingest's stat_urls): the live status reads publishers' bitrates there (VORA_INGEST_STAT_URLS)."
  type        = list(string)
}
