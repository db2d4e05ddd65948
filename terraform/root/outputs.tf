output "edge_url" {
  description = "Public URL of the edge: viewers, players and the watch page."
  value       = module.edge.edge_url
}

output "origin_url" {
  description = "Public URL of the origin API (`vora` CLI, uploads)."
  value       = module.origin.public_url
}

output "origin_lb_dns_name" {
  description = "Point origin_domain_name here (CNAME, or a Route 53 alias)."
  value       = module.origin.public_lb_dns_name
}

output "cdn_autoscaling_group" {
  description = "Autoscaling group of the CDN nodes."
  value       = module.cdn_nodes.autoscaling_group_name
}

output "kv_namespace_ids" {
  description = "KV namespace ids (to put into a wrangler.toml [env.<name>] when deploying with wrangler instead)."
  value       = module.edge.kv_namespace_ids
}

output "api_token" {
  description = "The bootstrap API token for the `vora` CLI: `terraform output -raw api_token`."
  value       = random_password.api_token.result
  sensitive   = true
}

output "shield_lb_dns_name" {
  description = "DNS name of the shield tier's load balancer: point shield_domain_name at it (CNAME or alias)."
  value       = module.shield.lb_dns_name
}

output "ingest_rtmp_url" {
  description = "RTMP ingest URL for encoders (OBS \"Server\"), the stream key follows it."
  value       = module.ingest.rtmp_url
}

output "ingest_rtmps_url" {
  description = "RTMPS ingest URL (TLS ended on the ingest hosts); the URL the origin hands out with every live input."
  value       = module.ingest.rtmps_url
}

output "ingest_lb_dns_name" {
  description = "DNS name of the ingest load balancer: point ingest_domain_name at it (CNAME or alias)."
  value       = module.ingest.lb_dns_name
}
