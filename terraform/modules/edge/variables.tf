# Inputs of the Cloudflare side: the worker built from edge/src, its KV namespaces, the ChatRoom
# Durable Object, the public hostname, and the two secrets the worker shares with the rest of Vora.

variable "account_id" {
  description = "Cloudflare account id that owns the worker and KV namespaces."
  type        = string
}

variable "zone_id" {
  description = "Cloudflare zone id of the edge hostname."
  type        = string
}

variable "hostname" {
  description = "Public hostname of the edge (custom domain), e.g. `watch.example.com`."
  type        = string
}

variable "script_name" {
  description = "Worker name; `vora-edge` as in wrangler.toml, suffixed per environment."
  type        = string
  default     = "vora-edge"
}

variable "bundle_dir" {
  description = "Folder of the built worker: `npx wrangler deploy --dry-run --outdir dist/edge` writes index.js and the modules it imports (terraform/README.md)."
  type        = string
}

variable "main_module" {
  description = "The bundle's entry module (wrangler names it after wrangler.toml's `main`)."
  type        = string
  default     = "index.js"
}

variable "text_module_suffixes" {
  description = "Bundle files uploaded as text modules: wrangler.toml's [[rules]] type = \"Text\" globs plus wrangler's default Text rules."
  type        = list(string)
  default     = ["hls.min.js", ".txt", ".html", ".sql"]
}

variable "assets_directory" {
  description = "Folder of the static assets (`edge/public`, wrangler.toml [assets])."
  type        = string
}

variable "compatibility_date" {
  description = "Workers compatibility date; keep it equal to wrangler.toml's."
  type        = string
  default     = "2026-04-01"
}

variable "origin_url" {
  description = "ORIGIN_URL: public base URL of the origin API and streaming gateway."
  type        = string
}

variable "internal_secret" {
  description = "INTERNAL_SECRET: bearer of /internal/* and the root of every CDN node's heartbeat token (base64url)."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{32,}$", var.internal_secret))
    error_message = "internal_secret must be at least 32 base64url characters."
  }
}

variable "node_key" {
  description = "NODE_KEY: the segment-token key shared with every nginx CDN node (16-128 base64url characters)."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{16,128}$", var.node_key))
    error_message = "node_key must be 16-128 base64url characters: it is pasted into nginx.conf."
  }
}

variable "durable_object_migrations" {
  description = "Durable Object migrations, oldest first, as in wrangler.toml [[migrations]]; the last tag is the one applied."
  type = list(object({
    tag                = string
    new_sqlite_classes = optional(list(string), [])
    deleted_classes    = optional(list(string), [])
    renamed_classes    = optional(list(object({ from = string, to = string })), [])
  }))
  default = [{ tag = "v1", new_sqlite_classes = ["ChatRoom"] }]
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

variable "media_url" {
  description = "Where the edge pulls /media from (MEDIA_URL): the shield tier's HTTPS URL (module shield's shield_url)."
  type        = string

  validation {
    condition     = can(regex("^https://", var.media_url))
    error_message = "media_url must be https://: the edge pulls media across the internet."
  }
}
