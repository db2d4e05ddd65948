terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.8"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State holds every generated secret: keep it in an encrypted, access-controlled bucket.
  # `terraform init -backend-config=envs/<env>.backend.hcl` supplies bucket, key (one per environment),
  # region and dynamodb_table.
  backend "s3" {
    encrypt = true
  }
}

provider "aws" {
  region = var.aws_region
  default_tags {
    tags = { "vora:env" = var.environment, "vora:managed-by" = "terraform" }
  }
}

# Reads CLOUDFLARE_API_TOKEN from the environment: the token never sits in a tfvars file.
provider "cloudflare" {}
