output "rtmp_url" {
  description = "RTMP application publishers are given (OBS \"Server\"; the stream key follows it)."
  value       = "rtmp://${var.domain_name}/live"
}

output "rtmps_url" {
  description = "RTMPS application publishers are given (TLS on 443, ended on the hosts); null when rtmps_ports is empty."
  value       = length(var.rtmps_ports) > 0 ? (contains(var.rtmps_ports, 443) ? "rtmps://${var.domain_name}/live" : "rtmps://${var.domain_name}:${var.rtmps_ports[0]}/live") : null
}

output "stat_urls" {
  description = "Each host's nginx-rtmp stat page by its private address: the origin's VORA_INGEST_STAT_URLS."
  value       = [for host in aws_instance.ingest : "http://${host.private_ip}:${local.stat_port}/stat"]
}

output "lb_dns_name" {
  description = "DNS name of the ingest load balancer: point domain_name at it (CNAME or alias)."
  value       = aws_lb.ingest.dns_name
}

output "security_group_id" {
  description = "Security group of the ingest hosts."
  value       = aws_security_group.ingest.id
}

output "host_private_ips" {
  description = "Private address of each ingest host (where the live ladders pull the streams that landed on it)."
  value       = aws_instance.ingest[*].private_ip
}

output "srt_port_range" {
  description = "The SRT ports as the origin's VORA_SRT_PORTS takes them (9710-9729), or off when srt_ports is empty."
  value       = length(var.srt_ports) > 0 ? "${var.srt_ports[0]}-${var.srt_ports[length(var.srt_ports) - 1]}" : "off"
}
