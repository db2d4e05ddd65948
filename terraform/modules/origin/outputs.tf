output "public_url" {
  description = "Public base URL of the origin (ORIGIN_URL of the edge, ORIGIN_PUBLIC_URL of the origin)."
  value       = local.public_url
}

output "public_lb_dns_name" {
  description = "DNS name of the public load balancer: point domain_name at it (CNAME or alias)."
  value       = aws_lb.public.dns_name
}

output "gateway_host_port" {
  description = "host:port of the internal streaming gateway, for the CDN nodes' nginx upstream."
  value       = "${aws_lb.gateway.dns_name}:${var.origin_port}"
}

output "gateway_security_group_id" {
  description = "Security group of the internal gateway load balancer (the CDN node module adds its ingress rule)."
  value       = aws_security_group.gateway_lb.id
}

output "s3_endpoint" {
  description = "S3_ENDPOINT the hosts use (MinIO's internal name, or the s3_endpoint input)."
  value       = local.s3_endpoint
}

output "kafka_bootstrap_brokers" {
  description = "KAFKA_BROKERS (MSK, plaintext inside the VPC)."
  value       = aws_msk_cluster.events.bootstrap_brokers
}

output "database_endpoint" {
  description = "RDS endpoint (host:port) of the metadata database."
  value       = aws_db_instance.metadata.endpoint
}

output "autoscaling_group_names" {
  description = "Autoscaling group per role (origin, transcoder)."
  value       = { for role, asg in aws_autoscaling_group.app : role => asg.name }
}

output "secret_parameter_paths" {
  description = "SSM paths holding each role's secret environment."
  value       = { for role in keys(aws_iam_role.host) : role => "${local.param_root}/${role}/" }
}

output "host_security_group_ids" {
  description = "Security group of the origin API hosts and of the transcoder workers (which the live workers share: both run live ladders), by role."
  value       = { origin = aws_security_group.origin.id, transcoder = aws_security_group.transcoder.id }
}
