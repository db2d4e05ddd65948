# Inputs of the CDN node farm. Secrets are not inputs: the nodes read them from SSM at boot.

variable "name" {
  description = "Prefix for every resource name, e.g. `vora-staging`."
  type        = string
}

variable "vpc_id" {
  description = "VPC the nodes run in (the origin's VPC: nodes pull from its internal gateway)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets for the nodes: viewers fetch segments from each node's own address."
  type        = list(string)
}

variable "instance_type" {
  description = "EC2 type of a node; network-optimised types (c7gn/c6in) give the most egress per dollar."
  type        = string
  default     = "c6in.large"
}

variable "architecture" {
  description = "CPU architecture of instance_type: `x86_64` or `arm64` (chooses the Debian AMI and the Node.js build)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "ami_id" {
  description = "AMI to boot; empty picks the newest official Debian 12 image for the architecture."
  type        = string
  default     = ""
}

variable "min_size" {
  description = "Fewest nodes the group keeps."
  type        = number
  default     = 2
}

variable "max_size" {
  description = "Most nodes the group may scale to."
  type        = number
  default     = 10
}

variable "desired_capacity" {
  description = "Nodes at creation; scaling policies move it afterwards (terraform ignores later drift)."
  type        = number
  default     = 2
}

variable "target_egress_mbps" {
  description = "Average egress per node (Mbit/s) the group scales to keep; target tracking on NetworkOut."
  type        = number
  default     = 2000
}

variable "target_cpu_percent" {
  description = "Average CPU per node the group scales to keep (TLS-free nginx is rarely CPU-bound: a backstop)."
  type        = number
  default     = 60
}

variable "node_capacity" {
  description = "NODE_CAPACITY the agent reports: concurrent viewers one node takes before the edge prefers others."
  type        = number
  default     = 500
}

variable "heartbeat_interval_ms" {
  description = "HEARTBEAT_INTERVAL_MS of the agent."
  type        = number
  default     = 10000
}

variable "cache_volume_gb" {
  description = "Size of the gp3 root volume, which also holds the nginx cache."
  type        = number
  default     = 100
}

variable "cache_max_size" {
  description = "nginx proxy_cache max_size (leave room on the volume for the OS and logs)."
  type        = string
  default     = "80g"
}

variable "drain_seconds" {
  description = "How long a terminating node keeps serving after it announced `draining` (viewers finish the segments they hold)."
  type        = number
  default     = 120
}

variable "edge_url" {
  description = "Public URL of the edge worker the agents heartbeat to (EDGE_URL)."
  type        = string
}

variable "origin_gateway_host_port" {
  description = "host:port of the origin's streaming gateway as reachable from the nodes (the template's ORIGIN_HOSTPORT)."
  type        = string
}

variable "origin_security_group_id" {
  description = "Security group of the origin's internal gateway load balancer; the module allows the nodes into it."
  type        = string
}

variable "release_tarball_url" {
  description = "HTTPS URL of the Vora release tarball (repo + production node_modules, see terraform/README.md)."
  type        = string
}

variable "release_tarball_sha256" {
  description = "SHA-256 of the release tarball; boot fails when the download differs."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.release_tarball_sha256))
    error_message = "release_tarball_sha256 must be 64 lowercase hex digits."
  }
}

variable "node_version" {
  description = "Node.js 20 release installed from nodejs.org (checked against its SHASUMS256.txt)."
  type        = string
  default     = "20.19.5"

  validation {
    condition     = can(regex("^20\\.\\d+\\.\\d+$", var.node_version))
    error_message = "node_version must be a Node 20 release such as 20.19.5."
  }
}

variable "internal_secret" {
  description = "The edge's INTERNAL_SECRET; stored as an SSM SecureString only the node role reads, to derive each node's heartbeat token at boot."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.internal_secret) >= 32
    error_message = "internal_secret must be at least 32 characters."
  }
}

variable "node_key" {
  description = "NODE_KEY, the segment-token key nginx checks (16-128 base64url characters, as the edge requires)."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{16,128}$", var.node_key))
    error_message = "node_key must be 16-128 base64url characters: it is pasted into nginx.conf."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the node SSM parameters; empty uses the AWS-managed aws/ssm key."
  type        = string
  default     = ""
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

variable "upstream_tls_name" {
  description = "Host name of the shield tier (module shield's domain_name): nodes pull from origin_gateway_host_port over HTTPS verified against it. Empty: plain HTTP (a gateway inside the VPC)."
  type        = string
  default     = ""
}

variable "tls_pem_parameter" {
  description = "Name of an SSM SecureString holding the key and certificate chain (PEM) for *.node_domain: nodes then serve HTTPS on 443 and heartbeat https://{instance-id}.{node_domain}. Empty: plain HTTP, which the edge refuses outside local development."
  type        = string
  default     = ""
}

variable "node_domain" {
  description = "Domain under which each node is https://{instance-id}.{node_domain} (needs tls_pem_parameter; the per-node DNS records are not created by this module)."
  type        = string
  default     = ""
}
