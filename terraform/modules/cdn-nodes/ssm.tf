# The two secrets a node needs, as SecureStrings only the node role (and operators) can read.
# Trade-off, written down in terraform/README.md: every node can read INTERNAL_SECRET at boot.

resource "aws_ssm_parameter" "internal_secret" {
  name        = "/${var.name}/cdn-nodes/internal-secret"
  description = "Vora edge INTERNAL_SECRET; CDN nodes derive their heartbeat token from it at boot"
  type        = "SecureString"
  key_id      = var.kms_key_arn == "" ? null : var.kms_key_arn
  value       = var.internal_secret
  tags        = var.tags
}

resource "aws_ssm_parameter" "pull_secret" {
  name        = "/${var.name}/cdn-nodes/pull-secret"
  description = "Vora VORA_PULL_SECRET: nginx signs its pulls from the shield or the gateway with it"
  type        = "SecureString"
  key_id      = var.kms_key_arn == "" ? null : var.kms_key_arn
  value       = var.pull_secret
  tags        = var.tags
}

resource "aws_ssm_parameter" "node_key" {
  name        = "/${var.name}/cdn-nodes/node-key"
  description = "Vora NODE_KEY: segment-token key checked by nginx"
  type        = "SecureString"
  key_id      = var.kms_key_arn == "" ? null : var.kms_key_arn
  value       = var.node_key
  tags        = var.tags
}
