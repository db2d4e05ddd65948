import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { StackPorts } from '../../contracts/local-ports.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { run, which } from '../exec.ts';
import { kafkaLog4jConfig, kafkaTool } from '../tools/kafka.ts';

/** The topics of ARCHITECTURE.md; created by afterReady (auto-creation is off, so a typo fails loudly). */
export const kafkaTopics = ['video-events', 'channel-events', 'config-updates', 'config-requests', 'playback-events'] as const;
export const kafkaTopicPartitions = 3;

/** The whole stack shares a 2-core, 24 GiB box: a small heap is plenty for one local broker. */
const heapArgs = ['-Xms256m', '-Xmx512m'];
/** The JVM flags Kafka's own kafka-run-class.sh adds. */
const jvmArgs = ['-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15', '-Djava.awt.headless=true'];

/**
 * server.properties of one combined broker + controller KRaft node.
 * A static voter (controller.quorum.voters) rather than `--standalone`: a static quorum keeps no
 * controller address in the log, so the same data dir still starts after the ports change.
 */
export function brokerProperties(ports: Pick<StackPorts, 'kafka' | 'kafkaController'>, logDir: string): string {
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${ports.kafkaController}`,
    listeners: `PLAINTEXT://127.0.0.1:${ports.kafka},CONTROLLER://127.0.0.1:${ports.kafkaController}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports.kafka}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': kafkaTopicPartitions,
    'auto.create.topics.enable': false,
    // One node: every internal topic has exactly one replica.
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // A single local consumer should not wait 3 s for company before its first rebalance.
    'group.initial.rebalance.delay.ms': 0,
    'log.retention.hours': 168,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return `# Written by stack/components/kafka.ts at every start; edit that file, not this one.\n${lines.join('\n')}\n`;
}

/** A KRaft cluster id: 16 random bytes, base64url, never starting with '-' (it would read as a CLI flag). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Opens a short-lived, quiet kafkajs admin client, runs `use`, and always disconnects. */
async function withAdmin<T>(brokerUrl: string, timeoutMs: number, use: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({
    clientId: 'vora-stack',
    brokers: [brokerUrl],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export function kafkaComponent(ctx: StackContext): ComponentSpec {
  const brokerUrl = `127.0.0.1:${ctx.ports.kafka}`;
  const kafkaDir = join(ctx.dataDir, 'kafka');
  const logDir = join(kafkaDir, 'data');
  const propertiesPath = join(kafkaDir, 'server.properties');

  return {
    name: 'kafka',
    url: brokerUrl,
    ports: [ctx.ports.kafka, ctx.ports.kafkaController],
    readyTimeoutMs: 90_000,

    async command() {
      const libsDir = await kafkaTool.locate();
      if (!libsDir) throw new Error(`Kafka's jars are not in the cache: run \`vora provision\` (or ${kafkaTool.fix})`);
      const java = await which('java');
      if (!java) throw new Error('java is not on PATH (Kafka needs Java 17+): `apt-get install openjdk-17-jre-headless`');
      const classpath = ['-cp', join(libsDir, '*')];
      const logging = `-Dlog4j2.configurationFile=${kafkaLog4jConfig}`;

      await mkdir(logDir, { recursive: true });
      await writeFile(propertiesPath, brokerProperties(ctx.ports, logDir));
      // meta.properties is what `kafka-storage format` leaves behind; formatting twice would refuse.
      if (!existsSync(join(logDir, 'meta.properties'))) {
        const format = ['format', '-t', newClusterId(), '-c', propertiesPath];
        await run(java, ['-Xmx256m', logging, ...classpath, 'kafka.tools.StorageTool', ...format], { timeoutMs: 60_000 });
      }
      return { cmd: java, args: [...heapArgs, ...jvmArgs, logging, ...classpath, 'kafka.Kafka', propertiesPath] };
    },

    async probe() {
      try {
        await withAdmin(brokerUrl, 2000, (admin) => admin.listTopics());
      } catch (error) {
        throw new Error(`Kafka is not answering at ${brokerUrl}: ${(error as Error).message}`, { cause: error });
      }
    },

    async afterReady() {
      await withAdmin(brokerUrl, 15_000, async (admin) => {
        const existing = new Set(await admin.listTopics());
        const missing = kafkaTopics.filter((topic) => !existing.has(topic));
        if (missing.length === 0) return;
        const topics = missing.map((topic) => ({ topic, numPartitions: kafkaTopicPartitions, replicationFactor: 1 }));
        await admin.createTopics({ topics, waitForLeaders: true, timeout: 15_000 });
      });
    },
  };
}
