import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigState } from '../../channel-config/chain.ts';
import { rootHash } from '../../channel-config/root.ts';
import { channelIdFromStore, startEdgeConfigWriter, type EdgeConfigWriter, type EdgeWriteOutcome } from '../../origin/src/channel-config/edge-writer.ts';
import { createConfigRequester, createConfigUpdatePublisher, startConfigRequestResponder, type ConfigUpdatePublisher } from '../../origin/src/channel-config/kafka.ts';
import { getChannelConfig, updateChannelConfig } from '../../origin/src/channel-config/store.ts';
import { openDatabase } from '../../origin/src/db/open.ts';
import type { Sql } from '../../origin/src/db/sql.ts';
import { stackContext } from '../../stack/component.ts';
import { edgeComponent } from '../../stack/components/edge.ts';
import { kafkaComponent } from '../../stack/components/kafka.ts';
import { StackRunner } from '../../stack/runner.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { testPorts } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const secrets = fakeSecrets();
const ctx = stackContext(await testPorts(import.meta.url), secrets, mkdtempSync(join(tmpdir(), 'vora-config-edge-')));
const kafkaSpec = kafkaComponent(ctx);
const edgeSpec = edgeComponent(ctx);
const stack = new StackRunner([kafkaSpec, edgeSpec], ctx.logDir);
const log = pino({ level: process.env.CONFIG_EDGE_TEST_LOG ?? 'silent' });
const channel = 'edge-writer-chan';

let sql: Sql;
let publisher: ConfigUpdatePublisher;
let writer: EdgeConfigWriter | undefined;
const stops: Array<() => Promise<unknown>> = [];
const outcomes: EdgeWriteOutcome[] = [];
/** Roots the writer has forwarded something for (the markers of `beforeAll` among them). */
const rootsSeen = new Set<string>();

const writerOutcomes = () => `writer outcomes: ${JSON.stringify(outcomes)}`;
const internal = (path: string) => fetch(`${edgeSpec.url}${path}`, { headers: { authorization: `Bearer ${secrets.internalSecret}` } });
const edgeState = async (root: string) => {
  const response = await internal(`/internal/config/${root}`);
  return response.status === 200 ? ((await response.json()) as ConfigState) : undefined;
};
const roomRules = async () => ((await (await internal(`/internal/rooms/channel-${channel}/rules`)).json()) as { rules: { maxLength: number; slowModeSeconds: number } }).rules;

/** One PATCH as the origin's API does it: the store, then the message on config-updates (unless `publish` is false: a lost message). */
async function patch(path: string, value: unknown, publish = true): Promise<ConfigState> {
  const { hash } = await getChannelConfig(sql, channel);
  const outcome = await updateChannelConfig(sql, channel, { base: hash, patch: [{ op: 'replace', path, value: value as never }] });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  if (publish) expect(await publisher.publish(outcome.message)).toBe(true);
  return outcome.state;
}

describe('origin edge writer: config-updates → PUT /internal/config on the real edge (wrangler dev)', () => {
  beforeAll(async () => {
    const startedAt = Date.now();
    await stack.start();
    console.log(`[config-edge] Kafka + wrangler dev ready in ${Date.now() - startedAt} ms`);
    sql = await openDatabase({ pgliteDir: join(ctx.dataDir, 'pglite') });
    const kafka = new Kafka({ clientId: 'config-edge-test', brokers: [kafkaSpec.url], logLevel: logLevel.NOTHING });
    publisher = createConfigUpdatePublisher(kafka, { log });
    const requester = createConfigRequester(kafka, { log });
    stops.push(publisher.close, requester.close);
    stops.push((await startConfigRequestResponder(kafka, { sql, publisher, log })).stop);
    writer = startEdgeConfigWriter({
      kafka,
      edgeUrl: edgeSpec.url,
      internalSecret: secrets.internalSecret,
      log,
      channelIdOf: channelIdFromStore(sql),
      reloadBackoffMs: 500,
      onOutcome: (root, outcome) => {
        outcomes.push(outcome);
        rootsSeen.add(root);
      },
    });
    await writer.ready;
    // The writer's group starts at the latest offset, fixed at its first fetch after the join: updates of a
    // channel of their own are published until one comes through, and from then on every update reaches it.
    const markers: string[] = [];
    const markerArrived = async () => {
      if (markers.some((root) => rootsSeen.has(root))) return true;
      const marker = `marker-${markers.length}`;
      const outcome = await updateChannelConfig(sql, marker, { base: (await getChannelConfig(sql, marker)).hash, patch: [{ op: 'replace', path: '/chat/slowModeSeconds', value: 1 }] });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome));
      expect(await publisher.publish(outcome.message)).toBe(true);
      markers.push(outcome.state.rootHash);
      return undefined;
    };
    await waitFor(markerArrived, { what: 'the writer to forward a marker published after its join', timeoutMs: 30_000, everyMs: 250, detail: writerOutcomes });
  }, 300_000);

  afterAll(async () => {
    // Together: each Kafka consumer's disconnect waits out its fetch in flight (up to 5 s), one after another adds up.
    await Promise.allSettled([writer?.stop(), ...stops.map((stop) => stop())]);
    await sql?.close();
    await stack.stop(15_000);
    rmSync(ctx.dataDir, { recursive: true, force: true });
  }, 60_000);

  it('writes each update to the edge KV and the channel room gets the chat rules', async () => {
    const root = await rootHash(channel);
    const sentAt = Date.now();
    const first = await patch('/chat/maxLength', 42);
    await waitFor(async () => ((await edgeState(root))?.hash === first.hash ? true : undefined), { what: 'the edge to hold update 1', timeoutMs: 30_000, detail: writerOutcomes });
    console.log(`[config-edge] PATCH → Kafka → writer → edge KV in ${Date.now() - sentAt} ms`);
    expect(await edgeState(root)).toEqual(first);
    expect((await roomRules()).maxLength).toBe(42);
    const second = await patch('/chat/slowModeSeconds', 7);
    await waitFor(async () => ((await edgeState(root))?.hash === second.hash ? true : undefined), { what: 'update 2', timeoutMs: 30_000, detail: writerOutcomes });
    expect(await roomRules()).toMatchObject({ maxLength: 42, slowModeSeconds: 7 });
  });

  it('heals a lost message: the edge answers 409 gap, the writer asks config-requests, the run from the root lands', async () => {
    const root = await rootHash(channel);
    await patch('/chat/maxLength', 99, false); // stored at the origin, never published
    const latest = await patch('/chat/slowModeSeconds', 11);
    const startedAt = Date.now();
    await waitFor(async () => ((await edgeState(root))?.hash === latest.hash ? true : undefined), { what: 'the edge to reload from the root', timeoutMs: 30_000, detail: writerOutcomes });
    console.log(`[config-edge] gap → config-request → run from root written to the edge in ${Date.now() - startedAt} ms`);
    expect(outcomes.some((outcome) => outcome.kind === 'gap')).toBe(true);
    expect(await edgeState(root)).toEqual(await getChannelConfig(sql, channel));
    expect(await roomRules()).toMatchObject({ maxLength: 99, slowModeSeconds: 11 });
    expect(outcomes.filter((outcome) => outcome.kind === 'refused' || outcome.kind === 'unreachable')).toEqual([]);
  });
});
