variable "name" {
  description = "Prefix for every resource name, e.g. `vora-staging`."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the shield hosts and the origin's internal gateway load balancer."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the shield hosts and their load balancer (the node farm reaches them across the internet)."
  type        = list(string)
}

variable "instance_type" {
  description = "Shield host type: memory is its cache (Varnish malloc storage)."
  type        = string
  default     = "r7g.large"
}

variable "architecture" {
  description = "CPU architecture of instance_type: arm64 or x86_64."
  type        = string
  default     = "arm64"
}

variable "host_count" {
  description = "Shield hosts behind the load balancer: 2 for one central pair (each collapses its own misses)."
  type        = number
  default     = 2
}

variable "cache_memory" {
  description = "Varnish malloc storage size per host, e.g. 12g."
  type        = string
  default     = "12g"
}

variable "grace_seconds" {
  description = "How long the shield serves stale objects while the gateway is sick."
  type        = number
  default     = 21600
}

variable "origin_gateway_host_port" {
  description = "host:port of the origin's internal streaming gateway (module origin's gateway_host_port)."
  type        = string
}

variable "origin_security_group_id" {
  description = "Security group of the gateway load balancer: this module opens it to the shield hosts."
  type        = string
}

variable "puller_cidrs" {
  description = "Who may reach the shield on 443 (HTTPS): the node farm's and the edge's egress ranges, or 0.0.0.0/0 (pulls are signed all the same)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "purger_cidrs" {
  description = "Addresses that may reach plain HTTP :80 and purge (the VCL's purgers ACL); empty = the VPC's CIDR, where the origin hosts and the load balancer's health checks are."
  type        = list(string)
  default     = []
}

variable "domain_name" {
  description = "Host name of the shield tier (its certificate's name): point it at the load balancer (output lb_dns_name)."
  type        = string
}

variable "tls_pem_parameter" {
  description = "Name of an SSM SecureString the operator created with the private key and certificate chain (PEM) for domain_name; hitch reads it at boot. Keeps the key out of terraform state."
  type        = string

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]+$", var.tls_pem_parameter))
    error_message = "tls_pem_parameter must be an SSM parameter name starting with /."
  }
}

variable "release_tarball_url" {
  description = "Vora release tarball (holds shield/render-cli.ts, which renders the VCL)."
  type        = string
}

variable "release_tarball_sha256" {
  description = "SHA-256 of the release tarball."
  type        = string
}

variable "node_version" {
  description = "Node.js version that runs the VCL renderer at boot."
  type        = string
  default     = "20.18.1"
}

variable "ami_id" {
  description = "AMI of the shield hosts; empty picks the newest Debian 12."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "pull_secret" {
  description = "VORA_PULL_SECRET: HMAC key of signed pulls (checked from nodes and edge, signed to the gateway; 16-128 base64url characters)."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{16,128}$", var.pull_secret))
    error_message = "pull_secret must be 16-128 base64url characters: it is pasted into the VCL."
  }
}
