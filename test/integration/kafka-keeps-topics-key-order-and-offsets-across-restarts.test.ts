import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackContext } from '../../stack/component.ts';
import { kafkaComponent, kafkaTopics } from '../../stack/components/kafka.ts';
import { kafkaTool } from '../../stack/tools/kafka.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// Kafka on 19492 and its controller on 19493: clear of the defaults and of the harness's +10000 stack.
const ports = await testPorts(import.meta.url);
const secrets = fakeSecrets();
const dataDir = mkdtempSync(join(tmpdir(), 'vora-kafka-'));
const component = kafkaComponent(stackContext(ports, secrets, dataDir));
const logPath = join(dataDir, 'kafka.log');
const messageCount = 100;
const keyCount = 10;
let broker: ChildProcess | undefined;

const logTail = () => readFileSync(logPath, 'utf8').split('\n').slice(-25).join('\n');

/** Starts the broker as the runner would and returns the time to its first good probe. */
async function startBroker(): Promise<number> {
  const startedAt = Date.now();
  const { cmd, args, env, cwd } = await component.command();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', openSync(logPath, 'a'), openSync(logPath, 'a')] });
  broker = child;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode} before ready:\n${logTail()}`);
    await component.probe();
    return true;
  }, { what: 'the broker to answer its probe', timeoutMs: component.readyTimeoutMs ?? 60_000, everyMs: 250, retryErrors: true, stopOn: () => child.exitCode !== null, detail: () => `\n${logTail()}` });
  return Date.now() - startedAt;
}

/** SIGTERM (Kafka's controlled shutdown), SIGKILL if it lingers; returns the time to exit. */
async function stopBroker(): Promise<number> {
  const child = broker;
  broker = undefined;
  if (!child?.pid || child.exitCode !== null) return 0;
  const startedAt = Date.now();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
  return Date.now() - startedAt;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

const kafka = new Kafka({ clientId: 'kafka-broker-test', brokers: [component.url], logLevel: logLevel.NOTHING });

/** Reads `video-events` from the beginning with a fresh consumer group until `count` messages arrived. */
async function consumeAll(groupId: string, count: number): Promise<Array<{ key: string; seq: number }>> {
  const consumer = kafka.consumer({ groupId });
  const received: Array<{ key: string; seq: number }> = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: 'video-events', fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length}/${count} messages in 30 s`)), 30_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push(JSON.parse(String(message.value)));
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

function expectInOrderPerKey(received: Array<{ key: string; seq: number }>): void {
  expect(received).toHaveLength(messageCount);
  const seqsByKey = new Map<string, number[]>();
  for (const { key, seq } of received) seqsByKey.set(key, [...(seqsByKey.get(key) ?? []), seq]);
  expect(seqsByKey.size).toBe(keyCount);
  for (const [key, seqs] of seqsByKey) {
    const expected = Array.from({ length: messageCount / keyCount }, (_, i) => i * keyCount + Number(key.split('-')[1]));
    expect(seqs, key).toEqual(expected);
  }
}

describe('kafka broker (KRaft, one node)', () => {
  beforeAll(async () => {
    const provisionStart = Date.now();
    if (!(await kafkaTool.locate())) await kafkaTool.install((line) => console.log(`[provision] ${line}`));
    const libs = await kafkaTool.locate();
    console.log(`[kafka] libs ${libs} (version ${await kafkaTool.version(libs!)}) ready in ${Date.now() - provisionStart} ms`);
    console.log(`[kafka] broker ready in ${await startBroker()} ms (cold, includes formatting)`);
    await component.afterReady!();
  }, 15 * 60_000);

  afterAll(async () => {
    await stopBroker();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('creates every topic of the architecture, with three partitions each', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...kafkaTopics] });
      expect(topics.map((topic) => topic.name).sort()).toEqual([...kafkaTopics].sort());
      for (const topic of topics) expect(topic.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }
  });

  it('delivers 100 keyed messages to a consumer group in order per key', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const messages = Array.from({ length: messageCount }, (_, seq) => {
      const key = `video-${seq % keyCount}`;
      return { key, value: JSON.stringify({ key, seq }) };
    });
    await producer.send({ topic: 'video-events', acks: -1, messages });
    await producer.disconnect();

    expectInOrderPerKey(await consumeAll('kafka-broker-test-first', messageCount));
    console.log(`[kafka] broker RSS after produce + consume: ${rssMiB(broker!.pid!)} MiB`);
  }, 60_000);

  it('keeps messages, topics and committed offsets across a restart on the same data dir', async () => {
    console.log(`[kafka] controlled shutdown took ${await stopBroker()} ms`);
    console.log(`[kafka] restarted broker ready in ${await startBroker()} ms`);
    await component.afterReady!(); // idempotent: the topics exist already

    expectInOrderPerKey(await consumeAll('kafka-broker-test-after-restart', messageCount));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: 'kafka-broker-test-first', topics: ['video-events'] });
      const total = (committed[0]?.partitions ?? []).reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
      expect(total).toBe(messageCount);
    } finally {
      await admin.disconnect();
    }
  }, 120_000);
});
