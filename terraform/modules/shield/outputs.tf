output "shield_host_port" {
  description = "host:port of the shield tier over HTTPS, for the CDN nodes' nginx upstream (ORIGIN_HOSTPORT, with upstream TLS to domain_name)."
  value       = "${var.domain_name}:443"
}

output "shield_url" {
  description = "HTTPS base URL of the shield tier: the edge's MEDIA_URL."
  value       = "https://${var.domain_name}"
}

output "purge_urls" {
  description = "Each shield host's private plain-HTTP address: the origin's VORA_SHIELD_URLS (a purge must reach every host)."
  value       = [for host in aws_instance.shield : "http://${host.private_ip}:80"]
}

output "lb_dns_name" {
  description = "DNS name of the shield's load balancer: point domain_name at it (CNAME or alias)."
  value       = aws_lb.shield.dns_name
}

output "shield_security_group_id" {
  description = "Security group of the shield hosts (the only hosts, with the nodes, that the gateway answers)."
  value       = aws_security_group.shield.id
}
