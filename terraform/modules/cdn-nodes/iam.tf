# What a CDN node may do with its instance role: read its two secrets, complete its own drain hook,
# and be reached by Session Manager (no SSH keys, no open port 22).

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name_prefix        = "${var.name}-cdn-node-"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  tags               = var.tags
}

data "aws_iam_policy_document" "node" {
  statement {
    sid     = "ReadNodeSecrets"
    actions = ["ssm:GetParameter"]
    resources = concat(
      [aws_ssm_parameter.internal_secret.arn, aws_ssm_parameter.node_key.arn, aws_ssm_parameter.pull_secret.arn],
      var.tls_pem_parameter == "" ? [] : ["arn:aws:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter${var.tls_pem_parameter}"],
    )
  }

  statement {
    sid       = "CompleteOwnDrainHook"
    actions   = ["autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"]
    resources = ["arn:aws:autoscaling:${data.aws_region.current.name}:*:autoScalingGroup:*:autoScalingGroupName/${local.asg_name}"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == "" ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptNodeSecrets"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "node" {
  name   = "vora-cdn-node"
  role   = aws_iam_role.node.id
  policy = data.aws_iam_policy_document.node.json
}

resource "aws_iam_role_policy_attachment" "ssm_session" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "node" {
  name_prefix = "${var.name}-cdn-node-"
  role        = aws_iam_role.node.name
  tags        = var.tags
}

data "aws_caller_identity" "current" {}
