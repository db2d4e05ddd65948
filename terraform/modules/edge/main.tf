# The edge on Cloudflare: mirrors wrangler.toml (which stays the local definition) with real ids.
# A worker, one version per bundle (all its modules: the build has text modules besides index.js),
# and a deployment sending 100% of traffic to that version, which also applies the DO migrations.

locals {
  kv_bindings = ["NODES", "KEYS", "CONFIG"]

  bundle_files = [for file in fileset(var.bundle_dir, "*") : file if file != "README.md" && !endswith(file, ".map")]
  module_types = { for file in local.bundle_files : file => (
    file == var.main_module ? "application/javascript+module" :
    anytrue([for suffix in var.text_module_suffixes : endswith(file, suffix)]) ? "text/plain" :
    endswith(file, ".wasm") ? "application/wasm" :
    endswith(file, ".js") || endswith(file, ".mjs") ? "application/javascript+module" :
    "application/octet-stream"
  ) }
  # Names the version after its content, so a new build is a new version even at the same paths.
  bundle_sha256 = sha256(join(",", [for file in sort(local.bundle_files) : "${file}=${filesha256("${var.bundle_dir}/${file}")}"]))

  # Cloudflare applies the steps after the worker's current tag; listing them all serves a new account and an old one alike.
  migration_steps = [for m in var.durable_object_migrations : {
    new_sqlite_classes = m.new_sqlite_classes
    deleted_classes    = m.deleted_classes
    renamed_classes    = m.renamed_classes
  }]
}

resource "cloudflare_workers_kv_namespace" "this" {
  for_each   = toset(local.kv_bindings)
  account_id = var.account_id
  title      = "${var.script_name}-${lower(each.key)}"
}

resource "cloudflare_worker" "edge" {
  account_id = var.account_id
  name       = var.script_name

  observability = {
    enabled = true
  }
}

resource "cloudflare_worker_version" "edge" {
  account_id         = var.account_id
  worker_id          = cloudflare_worker.edge.id
  compatibility_date = var.compatibility_date
  main_module        = var.main_module

  modules = [for file, type in local.module_types : {
    name         = file
    content_type = type
    content_file = "${var.bundle_dir}/${file}"
  }]

  bindings = concat(
    [for name in local.kv_bindings : {
      type         = "kv_namespace"
      name         = name
      namespace_id = cloudflare_workers_kv_namespace.this[name].id
    }],
    [
      { type = "durable_object_namespace", name = "CHAT_ROOMS", class_name = "ChatRoom" },
      { type = "assets", name = "ASSETS" },
      { type = "plain_text", name = "ORIGIN_URL", text = var.origin_url },
      { type = "plain_text", name = "MEDIA_URL", text = var.media_url },
      { type = "secret_text", name = "INTERNAL_SECRET", text = var.internal_secret },
      { type = "secret_text", name = "NODE_KEY", text = var.node_key },
      { type = "secret_text", name = "PULL_SECRET", text = var.pull_secret },
    ],
  )

  migrations = {
    new_tag = var.durable_object_migrations[length(var.durable_object_migrations) - 1].tag
    steps   = local.migration_steps
  }

  assets = {
    directory = var.assets_directory
  }

  annotations = {
    workers_message = "terraform: bundle sha256 ${local.bundle_sha256}"
  }

  lifecycle {
    precondition {
      condition     = contains(local.bundle_files, var.main_module)
      error_message = "No ${var.main_module} in bundle_dir: build the worker first with `npx wrangler deploy --dry-run --outdir dist/edge` (terraform/README.md)."
    }
  }
}

resource "cloudflare_workers_deployment" "edge" {
  account_id  = var.account_id
  script_name = cloudflare_worker.edge.name
  strategy    = "percentage"

  versions = [{
    version_id = cloudflare_worker_version.edge.id
    percentage = 100
  }]
}

# A custom domain makes Cloudflare create the DNS record and the certificate for the hostname.
resource "cloudflare_workers_custom_domain" "edge" {
  account_id = var.account_id
  zone_id    = var.zone_id
  hostname   = var.hostname
  service    = cloudflare_worker.edge.name

  depends_on = [cloudflare_workers_deployment.edge]
}
