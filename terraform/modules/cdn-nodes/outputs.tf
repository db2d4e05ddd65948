output "autoscaling_group_name" {
  description = "Name of the CDN node autoscaling group."
  value       = aws_autoscaling_group.nodes.name
}

output "security_group_id" {
  description = "Security group of the nodes (allow it into whatever the nodes must reach)."
  value       = aws_security_group.node.id
}

output "instance_role_arn" {
  description = "IAM role of the nodes; the only principal besides operators that may read the node secrets."
  value       = aws_iam_role.node.arn
}

output "launch_template_id" {
  description = "Launch template of the nodes (its latest version carries the rendered cloud-init)."
  value       = aws_launch_template.node.id
}

output "drain_hook_name" {
  description = "Lifecycle hook that holds a terminating node until it has drained."
  value       = local.drain_hook_name
}
