import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigState, UpdateOutcome } from '../../channel-config/chain.ts';
import { rootHash } from '../../channel-config/root.ts';
import { startConfigFollower, type ConfigStateCache } from '../../origin/src/channel-config/follower.ts';
import { createConfigRequester, createConfigUpdatePublisher, startConfigRequestResponder, type ConfigUpdatePublisher } from '../../origin/src/channel-config/kafka.ts';
import { getChannelConfig, updateChannelConfig } from '../../origin/src/channel-config/store.ts';
import { openDatabase } from '../../origin/src/db/open.ts';
import type { Sql } from '../../origin/src/db/sql.ts';
import { stackContext } from '../../stack/component.ts';
import { kafkaComponent } from '../../stack/components/kafka.ts';
import { kafkaTool } from '../../stack/tools/kafka.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { testPorts } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const ports = await testPorts(import.meta.url);
const secrets = fakeSecrets();
const dataDir = mkdtempSync(join(tmpdir(), 'vora-config-kafka-'));
const component = kafkaComponent(stackContext(ports, secrets, dataDir));
const logPath = join(dataDir, 'kafka.log');
const log = pino({ level: 'silent' });
let broker: ChildProcess | undefined;
let sql: Sql;
const stops: Array<() => Promise<unknown>> = [];

async function startBroker(): Promise<void> {
  const { cmd, args, env, cwd } = await component.command();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', openSync(logPath, 'a'), openSync(logPath, 'a')] });
  broker = child;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode}:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
    await component.probe();
    return true;
  }, { what: 'the broker to answer its probe', timeoutMs: component.readyTimeoutMs ?? 60_000, everyMs: 250, retryErrors: true, stopOn: () => child.exitCode !== null });
}

/** One update of a channel of its own, published: a marker whose arrival shows a follower is reading. */
async function publishMarker(publisher: ConfigUpdatePublisher, channel: string): Promise<string> {
  const outcome = await updateChannelConfig(sql, channel, { base: (await getChannelConfig(sql, channel)).hash, patch: [{ op: 'replace', path: '/chat/slowModeSeconds', value: 1 }] });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  expect(await publisher.publish(outcome.message)).toBe(true);
  return outcome.state.rootHash;
}

/**
 * A follower whose cache is a Map, recording each outcome so the test can wait for one. It starts at the
 * latest offset, fixed only at its first fetch after the join: markers are published (each on a fresh
 * channel, so never a gap) until one arrives, and from then on every message published reaches it.
 */
async function startMapFollower(kafka: Kafka, publisher: ConfigUpdatePublisher, groupId: string, requestReload: (root: string) => Promise<unknown>, seed?: ConfigState) {
  const states = new Map<string, ConfigState>(seed ? [[seed.rootHash, seed]] : []);
  const outcomes: UpdateOutcome[] = [];
  const cache: ConfigStateCache = { get: async (root) => states.get(root), set: async (state) => void states.set(state.rootHash, state) };
  const follower = await startConfigFollower(kafka, { cache, groupId, log, requestReload, fromBeginning: false, onOutcome: (_, outcome) => outcomes.push(outcome) });
  stops.push(follower.stop);
  await follower.joined;
  const markers: string[] = [];
  const markerArrived = async () => {
    if (markers.some((root) => states.has(root))) return true;
    markers.push(await publishMarker(publisher, `marker-${groupId}-${markers.length}`));
    return undefined;
  };
  await waitFor(markerArrived, { what: `${groupId} to receive a marker published after its join`, timeoutMs: 30_000, everyMs: 250 });
  return { states, outcomes };
}

describe('channel configuration over Kafka (real broker)', () => {
  beforeAll(async () => {
    if (!(await kafkaTool.locate())) await kafkaTool.install((line) => console.log(`[provision] ${line}`));
    const started = Date.now();
    await startBroker();
    await component.afterReady!();
    console.log(`[config-kafka] broker ready with topics in ${Date.now() - started} ms`);
    sql = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
  }, 15 * 60_000);

  afterAll(async () => {
    // Together: each Kafka consumer's disconnect waits out its fetch in flight (up to 5 s), one after another adds up.
    await Promise.allSettled(stops.map((stop) => stop()));
    await sql?.close();
    if (broker?.pid && broker.exitCode === null) {
      const exited = new Promise((resolve) => broker!.once('exit', resolve));
      process.kill(broker.pid, 'SIGTERM');
      const timer = setTimeout(() => broker?.pid && process.kill(broker.pid, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('delivers updates to a follower, and heals a gap with the run from the root through the same code', async () => {
    const kafka = new Kafka({ clientId: 'config-kafka-test', brokers: [component.url], logLevel: logLevel.NOTHING });
    const publisher = createConfigUpdatePublisher(kafka, { log });
    const requester = createConfigRequester(kafka, { log });
    stops.push(publisher.close, requester.close);
    stops.push((await startConfigRequestResponder(kafka, { sql, publisher, log })).stop);

    const channel = 'kafka-room';
    const root = await rootHash(channel);
    const update = async (seconds: number) => {
      const { hash } = await getChannelConfig(sql, channel);
      const outcome = await updateChannelConfig(sql, channel, { base: hash, patch: [{ op: 'replace', path: '/chat/slowModeSeconds', value: seconds }] });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome));
      expect(await publisher.publish(outcome.message)).toBe(true);
      return outcome.state;
    };

    const live = await startMapFollower(kafka, publisher, 'config-test-live', (r) => requester.request(r));
    const first = await update(5);
    const sent = Date.now();
    await waitFor(() => live.states.get(root)?.hash === first.hash || undefined, { what: 'the live follower to apply update 1', timeoutMs: 20_000, everyMs: 50 });
    console.log(`[config-kafka] update applied by a follower ${Date.now() - sent} ms after publish`);
    const second = await update(10);
    await waitFor(() => live.states.get(root)?.hash === second.hash || undefined, { what: 'update 2', timeoutMs: 20_000, everyMs: 50 });

    // A cache that stopped at height 1 (it was down): the next update is a gap, it asks, the answer heals it.
    const lagging = await startMapFollower(kafka, publisher, 'config-test-lagging', (r) => requester.request(r), first);
    const third = await update(15);
    const healedAt = Date.now();
    await waitFor(() => lagging.states.get(root)?.hash === third.hash || undefined, { what: 'the lagging follower to reload from the root', timeoutMs: 20_000, everyMs: 50 });
    console.log(`[config-kafka] gap → request → run from root applied in ${Date.now() - healedAt} ms`);
    expect(lagging.outcomes.some((outcome) => !outcome.ok && outcome.reason === 'gap')).toBe(true);
    expect(lagging.outcomes.some((outcome) => outcome.ok && outcome.applied === 3)).toBe(true);
    expect(lagging.states.get(root)).toEqual(live.states.get(root));
    expect(live.states.get(root)).toEqual(await getChannelConfig(sql, channel));
    expect(live.states.get(root)?.config.chat.slowModeSeconds).toBe(15);

    // The answer went to everyone on config-updates; the live follower ignored it as stale.
    await waitFor(() => live.outcomes.find((outcome) => !outcome.ok && outcome.reason === 'stale'), { what: 'the live follower to see the answer', timeoutMs: 20_000, everyMs: 50 });
  }, 120_000);

  it('answers a fresh node asking for a root, which ends at the same hash as the followers', async () => {
    const kafka = new Kafka({ clientId: 'config-kafka-test-2', brokers: [component.url], logLevel: logLevel.NOTHING });
    const publisher = createConfigUpdatePublisher(kafka, { log });
    const requester = createConfigRequester(kafka, { log });
    stops.push(publisher.close, requester.close);
    const fresh = await startMapFollower(kafka, publisher, 'config-test-fresh', (r) => requester.request(r));
    const root = await rootHash('kafka-room');
    expect(await requester.request(root)).toBe(true);
    const latest = await getChannelConfig(sql, 'kafka-room');
    await waitFor(() => fresh.states.get(root)?.hash === latest.hash || undefined, { what: 'the fresh node to load from the root', timeoutMs: 20_000, everyMs: 50 });
    expect(fresh.states.get(root)).toEqual(latest);
  }, 60_000);
});
