import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { VIDEO_EVENTS_TOPIC, VideoEvent } from '../../contracts/video-events.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError, unreachableMessage } from '../lib/errors.ts';
import { note, printLine } from '../lib/output.ts';

export interface TailedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  timestamp: string;
}

/** Pure: one line per message — a video event as "at  type  videoId  (reason)", anything else as key and value. */
export function eventLine(message: TailedMessage, json: boolean): string {
  let value: unknown = message.value;
  try {
    value = message.value === null ? null : JSON.parse(message.value);
  } catch {
    // not JSON: print the text as it came
  }
  if (json) return JSON.stringify({ topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, value });
  const event = VideoEvent.safeParse(value);
  if (event.success) return [event.data.at, event.data.type.padEnd(16), event.data.videoId, event.data.reason ? `(${event.data.reason})` : ''].join('  ').trimEnd();
  const at = new Date(Number(message.timestamp)).toISOString();
  return `${at}  ${message.topic}[${message.partition}]@${message.offset}  ${message.key ?? '-'}  ${message.value ?? ''}`;
}

/** Pure: a message value as text; a gzip member (playback-events rows) inflated, or left as it came if broken. */
export function valueText(value: Buffer | null): string | null {
  if (value === null) return null;
  if (value.length >= 2 && value[0] === 0x1f && value[1] === 0x8b) {
    try {
      return gunzipSync(value).toString('utf8').trimEnd();
    } catch {
      // not a whole gzip member: print it as it came
    }
  }
  return value.toString('utf8');
}

const asTailed = (topic: string, partition: number, message: KafkaMessage): TailedMessage => ({
  topic,
  partition,
  offset: message.offset,
  key: message.key?.toString('utf8') ?? null,
  value: valueText(message.value),
  timestamp: message.timestamp,
});

interface TailOptions {
  topic: string;
  fromBeginning?: boolean;
  json?: boolean;
}

/** Follows a topic with a throw-away consumer group until Ctrl-C (SIGINT/SIGTERM); the group is deleted on the way out. */
async function tailEvents(options: TailOptions): Promise<void> {
  const { kafkaBrokers } = loadCliConfig();
  // Connecting fails fast (a stopped broker is reported at once), but joining a new group may meet
  // "coordinator loading" on a busy or fresh broker: the consumer keeps kafkajs's patient retries.
  const kafka = new Kafka({ clientId: 'vora-cli', brokers: kafkaBrokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 2, initialRetryTime: 300 } });
  const groupId = `vora-cli-tail-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5_000 } });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: Boolean(options.fromBeginning) });
  } catch (error) {
    await consumer.disconnect().catch(() => {});
    const message = (error as Error).message;
    if (/connect|ECONNREFUSED|timed? ?out/i.test(message)) throw new CliError(unreachableMessage('Kafka', kafkaBrokers.join(',')), 1, { cause: error });
    throw new CliError(`cannot follow topic ${options.topic}: ${message}`, 1, { cause: error });
  }

  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const crashed = new Promise<never>((_, reject) =>
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs restarts the consumer after a retriable error ("the coordinator is loading" on a busy or fresh
      // broker): only a crash it gives up on ends the tail.
      if (!event.payload.restart) reject(new CliError(`stopped following ${options.topic}: ${event.payload.error.message}`));
    }),
  );
  await consumer.run({ eachMessage: async ({ topic, partition, message }) => printLine(eventLine(asTailed(topic, partition, message), Boolean(options.json))) });
  if (!options.json) note(`following ${options.topic} on ${kafkaBrokers.join(',')}${options.fromBeginning ? ' from the beginning' : ''} — Ctrl-C stops`);
  try {
    await Promise.race([stopped, crashed]);
  } finally {
    await consumer.disconnect().catch(() => {});
    const admin = kafka.admin();
    await admin.connect().then(() => admin.deleteGroups([groupId])).catch(() => {}); // tidy: the group was ours alone
    await admin.disconnect().catch(() => {});
  }
}

/** `vora events tail [--topic T] [--from-beginning] [--json]`. */
export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('Kafka events of the platform');
  events
    .command('tail')
    .description('print each event as it arrives (one line each); Ctrl-C stops')
    .option('--topic <topic>', 'topic to follow', VIDEO_EVENTS_TOPIC)
    .option('--from-beginning', 'start with the oldest retained event')
    .option('--json', 'one JSON object per line')
    .action(tailEvents);
}
