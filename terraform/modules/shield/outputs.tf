output "shield_host_port" {
  description = "host:port of the shield tier, for the CDN nodes' nginx upstream (ORIGIN_HOSTPORT) and the edge's MEDIA_URL."
  value       = "${aws_lb.shield.dns_name}:80"
}

output "shield_security_group_id" {
  description = "Security group of the shield hosts (the only hosts, with the nodes, that the gateway answers)."
  value       = aws_security_group.shield.id
}
