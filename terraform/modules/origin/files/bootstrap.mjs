// Creates Vora's buckets and Kafka topics when they are missing; run by vora-bootstrap.service on
// every origin host before the origin starts (idempotent, so hosts racing each other is harmless).
// Lives in the deployment because the origin never creates infrastructure itself; the local stack
// does the same in stack/components/{minio,kafka}.ts.
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';

const env = process.env;
const log = (event, fields = {}) => console.log(JSON.stringify({ service: 'vora-bootstrap', event, ...fields }));

async function retry(what, attempts, fn) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw new Error(`${what} failed after ${attempts} attempts: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
}

async function ensureBuckets() {
  const s3 = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
  });
  for (const bucket of [env.S3_RAW_BUCKET, env.S3_MEDIA_BUCKET]) {
    await retry(`bucket ${bucket} at ${env.S3_ENDPOINT}`, 36, async () => {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if (error?.$metadata?.httpStatusCode !== 404) throw error;
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        log('bucket_created', { bucket });
      }
    });
  }
}

async function ensureTopics() {
  const kafka = new Kafka({ clientId: 'vora-bootstrap', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await retry(`Kafka at ${env.KAFKA_BROKERS}`, 36, () => admin.connect());
  try {
    const existing = new Set(await admin.listTopics());
    const missing = env.VORA_KAFKA_TOPICS.split(',').filter((topic) => topic && !existing.has(topic));
    if (missing.length === 0) return;
    const topics = missing.map((topic) => ({ topic, numPartitions: Number(env.VORA_KAFKA_PARTITIONS), replicationFactor: Number(env.VORA_KAFKA_REPLICATION) }));
    await admin.createTopics({ topics, waitForLeaders: true, timeout: 30_000 });
    log('topics_created', { topics: missing });
  } finally {
    await admin.disconnect();
  }
}

const results = await Promise.allSettled([ensureBuckets(), ensureTopics()]);
const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
for (const failure of failures) log('bootstrap_failed', { error: failure });
process.exit(failures.length === 0 ? 0 : 1);
