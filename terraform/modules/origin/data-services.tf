# The managed data services: PostgreSQL on RDS (DATABASE_URL) and Kafka on MSK (KAFKA_BROKERS).

resource "aws_db_subnet_group" "metadata" {
  name_prefix = "${var.name}-"
  subnet_ids  = var.private_subnet_ids
  tags        = var.tags
}

resource "aws_db_instance" "metadata" {
  identifier_prefix     = "${var.name}-"
  engine                = "postgres"
  engine_version        = var.db_engine_version
  instance_class        = var.db_instance_class
  allocated_storage     = var.db_allocated_storage_gb
  max_allocated_storage = var.db_allocated_storage_gb * 4
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn == "" ? null : var.kms_key_arn

  db_name  = "vora"
  username = "vora"
  password = random_password.db.result

  db_subnet_group_name   = aws_db_subnet_group.metadata.name
  vpc_security_group_ids = [aws_security_group.data.id]
  multi_az               = var.db_multi_az
  publicly_accessible    = false

  backup_retention_period    = 7
  deletion_protection        = var.db_deletion_protection
  skip_final_snapshot        = false
  final_snapshot_identifier  = "${var.name}-metadata-final"
  auto_minor_version_upgrade = true
  apply_immediately          = false
  tags                       = var.tags
}

resource "aws_msk_configuration" "events" {
  name           = "${var.name}-events"
  kafka_versions = [var.kafka_version]
  # Topics are created by vora-bootstrap.service with explicit partitions; producers never auto-create.
  server_properties = <<-PROPERTIES
    auto.create.topics.enable=false
    default.replication.factor=${min(3, var.kafka_broker_count)}
    min.insync.replicas=${min(2, var.kafka_broker_count)}
    log.retention.hours=168
  PROPERTIES
}

resource "aws_msk_cluster" "events" {
  cluster_name           = "${var.name}-events"
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.kafka_broker_count

  broker_node_group_info {
    instance_type   = var.kafka_instance_type
    client_subnets  = var.private_subnet_ids
    security_groups = [aws_security_group.data.id]
    storage_info {
      ebs_storage_info {
        volume_size = var.kafka_volume_gb
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.events.arn
    revision = aws_msk_configuration.events.latest_revision
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = var.kms_key_arn == "" ? null : var.kms_key_arn
    encryption_in_transit {
      # The origin's kafkajs client has no TLS/SASL settings yet: plaintext inside the VPC, SG-restricted.
      client_broker = "PLAINTEXT"
      in_cluster    = true
    }
  }

  client_authentication {
    unauthenticated = true
  }

  tags = var.tags
}
