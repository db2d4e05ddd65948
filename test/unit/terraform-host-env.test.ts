import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOriginConfig } from '../../origin/src/config.ts';
import { loadTranscoderConfig, workerTaskQueues } from '../../transcoder/src/config.ts';
import { kafkaTopics } from '../../stack/components/kafka.ts';
import { originNodeFlags } from '../../origin/src/node-flags.ts';

const root = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const appHost = read('terraform/modules/origin/templates/app-host.yaml.tftpl');
const originMain = read('terraform/modules/origin/main.tf');

/** `NAME=value` lines between `# <marker>:begin` and `# <marker>:end` of the host template. */
function plainEnv(marker: string): Map<string, string> {
  const block = appHost.split(`# ${marker}:begin`)[1]?.split(`# ${marker}:end`)[0];
  if (!block) throw new Error(`app-host.yaml.tftpl lost its ${marker} markers`);
  return new Map([...block.matchAll(/^\s+([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** Names of the secret variables main.tf stores in SSM for one role (`secret_env = { role = { NAME = … } }`). */
function secretNames(role: string): string[] {
  const block = originMain.split('# secret-env:begin')[1]?.split('# secret-env:end')[0];
  const roleBlock = block?.split(new RegExp(`^\\s+${role} = [^{]*\\{`, 'm'))[1]?.split('}')[0];
  if (!roleBlock) throw new Error(`origin/main.tf has no secret_env.${role}`);
  return [...roleBlock.matchAll(/^\s+([A-Z0-9_]+)\s+=/gm)].map((m) => m[1]!);
}

/** Variables a config module reads: the keys of its zod object. */
function schemaKeys(path: string): Set<string> {
  return new Set([...read(path).matchAll(/^\s+([A-Z][A-Z0-9_]+): z\b/gm)].map((m) => m[1]!));
}

/** Terraform values become plausible samples, as a real apply would produce. */
function sample(value: string): string {
  return value
    .replace('${public_url}', 'https://origin.example.com')
    .replace('${edge_url}', 'https://watch.example.com')
    .replace('${s3_endpoint}', 'http://s3.vora-staging.vora.internal:9000')
    .replace('${temporal_address}', 'temporal.internal:7233')
    .replace('${kafka_brokers}', 'b-1.msk:9092,b-2.msk:9092')
    .replace(/\$\{(origin_port|max_upload_bytes)\}/, '8080')
    .replace('${x264_preset}', 'veryfast')
    .replace('${log_level}', 'info')
    .replace('${shield_urls}', 'http://10.0.1.5:80,http://10.0.2.5:80')
    .replace('${task_queues}', 'vora-live')
    .replace('${live_slots}', '4')
    .replace('${ingest_rtmp_url}', 'rtmps://ingest.example.com/live')
    .replace('${ingest_srt_ports}', '9710-9729')
    .replace('${ingest_stat_urls}', 'http://10.0.3.7:1936/stat,http://10.0.4.7:1936/stat')
    .replace(/\$\{[a-z_0-9]+\}/, 'vora-value');
}

const secretSamples: Record<string, string> = {
  DATABASE_URL: 'postgres://vora:pw@db.example.internal:5432/vora?sslmode=verify-full&sslrootcert=/etc/vora/rds-ca.pem',
  VORA_API_TOKEN: 'api-token-0123456789abcdef',
  VORA_INTERNAL_SECRET: 'internal-secret-0123456789abcdef',
  VORA_PULL_SECRET: 'pull-secret-0123456789abcdef',
  VORA_SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
};

function hostEnv(marker: string, role: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of plainEnv(marker)) env[name] = sample(value);
  for (const name of secretNames(role)) env[name] = secretSamples[name] ?? 'secret-value';
  return env;
}

describe('origin hosts get the environment origin/src/config.ts reads', () => {
  it('sets only variables the origin knows (a typo would be silently ignored)', () => {
    const known = schemaKeys('origin/src/config.ts');
    for (const name of [...plainEnv('origin-env').keys(), ...secretNames('origin')]) expect(known.has(name), name).toBe(true);
  });

  it('is accepted by loadOriginConfig, with a PostgreSQL database and the public URL', () => {
    const config = loadOriginConfig(hostEnv('origin-env', 'origin'));
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(config.ORIGIN_HOST).toBe('0.0.0.0');
    expect(config.publicUrl).toBe('https://origin.example.com');
    expect(config.kafkaBrokers).toEqual(['b-1.msk:9092', 'b-2.msk:9092']);
    // Publishers are told the ingest tier's RTMPS URL; the live status reads each ingest host's stat page.
    expect(config.VORA_INGEST_RTMP_URL).toBe('rtmps://ingest.example.com/live');
    expect(config.VORA_INGEST_STAT_URLS).toEqual(['http://10.0.3.7:1936/stat', 'http://10.0.4.7:1936/stat']);
  });

  it('starts node with the V8 flags the local stack gives the origin (origin/src/node-flags.ts)', () => {
    const execStart = /^\s+ExecStart=\/usr\/local\/bin\/node (.*) origin\/src\/main\.ts$/m.exec(appHost)?.[1];
    expect(execStart?.split(' ').filter((arg) => arg !== '--import' && arg !== 'tsx')).toEqual([...originNodeFlags]);
  });

  it('keeps secrets out of the user-data: they are only in SSM', () => {
    for (const name of secretNames('origin')) expect(plainEnv('origin-env').has(name), name).toBe(false);
    for (const name of [...secretNames('origin'), ...secretNames('transcoder')]) expect(appHost).not.toMatch(new RegExp(`\\b${name}=`));
  });
});

describe('transcoder hosts get the environment transcoder/src/config.ts reads', () => {
  it('sets only variables the transcoder knows', () => {
    const known = schemaKeys('transcoder/src/config.ts');
    for (const name of [...plainEnv('transcoder-env').keys(), ...secretNames('transcoder')]) expect(known.has(name), name).toBe(true);
  });

  it('is accepted by loadTranscoderConfig, credentials included', () => {
    const config = loadTranscoderConfig(hostEnv('transcoder-env', 'transcoder'));
    expect(config.temporal.address).toBe('temporal.internal:7233');
    expect(config.s3.accessKeyId).toBe('secret-value');
    expect(config.s3.secretAccessKey).toBe('secret-value');
  });
});

describe('transcoder and live workers split the task queues', () => {
  /** The quoted queue lists of main.tf's `task_queues` local: transcoder (with and without a live pool) and live. */
  const block = originMain.split(/^\s+task_queues = \{/m)[1]!.split(/^\s+\}/m)[0]!;
  const transcoder = [...block.match(/^\s+transcoder\s+=\s+(.*)$/m)![1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const live = block.match(/^\s+live\s+=\s+"([^"]*)"/m)![1]!;

  it('each list is one loadTranscoderConfig accepts', () => {
    for (const queues of [...transcoder, live]) expect(loadTranscoderConfig({ TRANSCODE_TASK_QUEUES: queues }).taskQueues.join(','), queues).toBe(queues);
  });

  it('with a live pool, live workers poll vora-live alone and the transcoders every other queue; without, the transcoders poll all', () => {
    const [withPool, withoutPool] = transcoder;
    expect(live).toBe('vora-live');
    expect([...withPool!.split(','), live].sort()).toEqual([...workerTaskQueues].sort());
    expect(withoutPool!.split(',').sort()).toEqual([...workerTaskQueues].sort());
  });

  it('the live workers are the transcoder process, started under their own role\'s unit and environment', () => {
    expect(appHost).toMatch(/path: \/etc\/systemd\/system\/vora-\$\{role\}\.service/);
    expect(appHost).toMatch(/EnvironmentFile=\/run\/vora\/\$\{role\}\.secrets\.env/);
    expect(originMain).toMatch(/live = local\.live_pool \? \{\n\s+S3_ACCESS_KEY_ID\s+= local\.s3_access\n\s+S3_SECRET_ACCESS_KEY = local\.s3_secret/);
  });
});

describe('the origin bootstrap creates what the local stack creates', () => {
  it('defaults kafka_topics to the stack topics', () => {
    const variables = read('terraform/modules/origin/variables.tf');
    const block = variables.split('variable "kafka_topics"')[1]!.split(/^}/m)[0]!;
    const topics = JSON.parse(block.match(/default\s+=\s+(\[[^\]]*\])/)![1]!) as string[];
    expect(topics).toEqual([...kafkaTopics]);
  });
});
