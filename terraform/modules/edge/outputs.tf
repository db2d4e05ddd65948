output "edge_url" {
  description = "Public URL of the edge (EDGE_URL for the origin and the CDN node agents)."
  value       = "https://${var.hostname}"
}

output "script_name" {
  description = "Name of the deployed worker."
  value       = cloudflare_worker.edge.name
}

output "kv_namespace_ids" {
  description = "KV namespace id per binding (NODES, KEYS, CONFIG)."
  value       = { for name, ns in cloudflare_workers_kv_namespace.this : name => ns.id }
}

output "version_id" {
  description = "Worker version serving 100% of traffic."
  value       = cloudflare_worker_version.edge.id
}
