variable "name" {
  description = "Prefix for every resource name, e.g. `vora-staging`."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the ingest hosts, the origin and the live workers."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the ingest load balancer (internet-facing)."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the ingest hosts (private addresses: the origin and the live workers reach them inside the VPC; NAT for packages)."
  type        = list(string)
}

variable "instance_type" {
  description = "Ingest host type: nginx-rtmp relays streams without transcoding, so network more than CPU."
  type        = string
  default     = "c7gn.medium"
}

variable "architecture" {
  description = "CPU architecture of instance_type: arm64 or x86_64."
  type        = string
  default     = "arm64"
}

variable "host_count" {
  description = "Ingest hosts behind the load balancer; each takes any publisher (the origin is told which host a stream landed on)."
  type        = number
  default     = 2
}

variable "domain_name" {
  description = "Host name publishers use, e.g. ingest.example.com (the RTMPS certificate's name): point it at the load balancer (output lb_dns_name)."
  type        = string
}

variable "tls_pem_parameter" {
  description = "Name of an SSM SecureString the operator created with the private key and certificate chain (PEM) for domain_name; hitch reads it at boot for RTMPS. Keeps the key out of terraform state."
  type        = string

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]+$", var.tls_pem_parameter))
    error_message = "tls_pem_parameter must be an SSM parameter name starting with /."
  }
}

variable "rtmps_ports" {
  description = "Load balancer ports that take RTMPS (TLS ends on the hosts' hitch, :443): 443 is what OBS and most encoders assume, 1936 what some expect. Empty turns RTMPS off."
  type        = list(number)
  default     = [443, 1936]
}

variable "srt_ports" {
  description = "UDP ports of SRT ingest, one contiguous ascending range (one port + passphrase per SRT-enabled input): forwarded to the same port on every host, where the SRT relay listens; the origin hands them out (VORA_SRT_PORTS). Empty turns SRT off."
  type        = list(number)
  default     = []

  validation {
    condition     = length(var.srt_ports) == 0 || (var.srt_ports == range(var.srt_ports[0], var.srt_ports[0] + length(var.srt_ports)) && var.srt_ports[0] >= 1024 && var.srt_ports[length(var.srt_ports) - 1] <= 65535)
    error_message = "srt_ports must be one ascending run of consecutive ports between 1024 and 65535, e.g. [9710, 9711, 9712]: the origin takes them as a range."
  }
}

variable "publisher_cidrs" {
  description = "Who may publish (RTMP, RTMPS, SRT): 0.0.0.0/0 for encoders anywhere; every publish is authorized by the origin all the same."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "puller_cidrs" {
  description = "Addresses nginx lets `play` streams and read the stat page: the live workers and the origin hosts. Empty = the VPC's CIDR (publishers come from outside it; the security groups narrow further)."
  type        = list(string)
  default     = []
}

variable "puller_security_group_ids" {
  description = "Security groups of the hosts that run live ladders (Temporal workers on vora-live), by a name for the rule: they pull RTMP from the host a stream landed on."
  type        = map(string)
}

variable "origin_hook_host_port" {
  description = "host:port of the origin as the ingest hosts reach it (module origin's gateway_host_port: its internal load balancer): on_publish, on_publish_done and on_update go there."
  type        = string
}

variable "origin_hook_security_group_id" {
  description = "Security group of that internal load balancer: this module opens it to the ingest hosts."
  type        = string
}

variable "origin_host_security_group_id" {
  description = "Security group of the origin API hosts: the only ones that may read the stat page."
  type        = string
}

variable "idle_publisher_seconds" {
  description = "A publisher that sends no media this long is dropped (the broadcast counts as disconnected; its reconnect window starts)."
  type        = number
  default     = 10
}

variable "deregistration_delay_seconds" {
  description = "How long a host leaving a target group keeps its connections (a running broadcast) before the load balancer closes them."
  type        = number
  default     = 300
}

variable "release_tarball_url" {
  description = "Vora release tarball (holds ingest/render-cli.ts, which renders nginx.conf and hitch.conf)."
  type        = string
}

variable "release_tarball_sha256" {
  description = "SHA-256 of the release tarball."
  type        = string
}

variable "node_version" {
  description = "Node.js version that runs the renderer at boot."
  type        = string
  default     = "20.19.5"
}

variable "ami_id" {
  description = "AMI of the ingest hosts; empty picks the newest Debian 12."
  type        = string
  default     = ""
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the ingest's SSM parameter; empty uses the AWS-managed aws/ssm key."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "internal_secret" {
  description = "VORA_INTERNAL_SECRET of the origin: nginx-rtmp's hooks carry it in their query (URL-safe characters only)."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{16,128}$", var.internal_secret))
    error_message = "internal_secret must be 16-128 URL-safe characters: it travels in the hook URLs."
  }
}
