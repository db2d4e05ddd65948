# One instance role per host kind; each reads only its own SSM path (/{name}/{role}/*).

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  for_each           = toset(concat(["origin", "transcoder", "minio"], local.live_pool ? ["live"] : []))
  name_prefix        = "${var.name}-${each.key}-"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  tags               = var.tags
}

data "aws_iam_policy_document" "host" {
  for_each = aws_iam_role.host

  statement {
    sid     = "ReadOwnSecrets"
    actions = ["ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"]
    resources = [
      "arn:aws:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter${local.param_root}/${each.key}",
      "arn:aws:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter${local.param_root}/${each.key}/*",
    ]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == "" ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptOwnSecrets"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "host" {
  for_each = aws_iam_role.host
  name     = "vora-${each.key}"
  role     = each.value.id
  policy   = data.aws_iam_policy_document.host[each.key].json
}

resource "aws_iam_role_policy_attachment" "ssm_session" {
  for_each   = aws_iam_role.host
  role       = each.value.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "host" {
  for_each    = aws_iam_role.host
  name_prefix = "${var.name}-${each.key}-"
  role        = each.value.name
  tags        = var.tags
}
