/**
 * `npm start` as a newcomer runs it: the real CLI, every real server, on ports shifted by 10000 and
 * a temporary VORA_HOME so it can run beside a developer's own stack. Ctrl-C must leave nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftedPorts } from '../../contracts/local-ports.ts';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { run } from '../../stack/exec.ts';
import { groupRssKib } from '../../stack/memory.ts';
import { repoRoot } from '../../stack/paths.ts';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { testPortOffset } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

const offset = await testPortOffset(import.meta.url);
const ports = shiftedPorts(offset);
let stack: DevStack;
let home: string;
let stackPids: number[] = [];
const output = () => stack.output();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

beforeAll(async () => {
  stack = await startDevStack(offset);
  home = stack.home;
  stackPids = Object.values(stack.pids);
});

afterAll(async () => {
  await stack?.stop();
});

describe('npm start', () => {
  it('prints a readiness table with every component ready and where its log is', () => {
    for (const name of ['minio', 'temporal', 'kafka', 'clickhouse', 'origin', 'transcoder', 'ingest', 'edge', 'cdn-1', 'cdn-2', 'cdn-3']) {
      expect(output()).toMatch(new RegExp(`^${name}\\s+\\S.*\\sready\\s.*logs/${name}\\.log`, 'm'));
    }
  });

  it('writes its secrets owner-only and never prints the API token', async () => {
    const secrets = JSON.parse(await readFile(join(home, 'secrets.json'), 'utf8')) as { apiToken: string };
    expect(output()).not.toContain(secrets.apiToken);
  });

  it('serves the origin health with every dependency ok', async () => {
    const { status, body } = await json(`http://127.0.0.1:${ports.origin}/healthz`);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual(['clickhouse', 'database', 'kafka', 'minio', 'temporal']);
  });

  it('serves the edge health and lists the three CDN nodes as live', async () => {
    const health = await json(`http://127.0.0.1:${ports.edge}/healthz`);
    expect(health.status).toBe(200);
    const secrets = JSON.parse(await readFile(join(home, 'secrets.json'), 'utf8')) as { internalSecret: string };
    const nodes = await json(`http://127.0.0.1:${ports.edge}/internal/nodes`, { headers: { authorization: `Bearer ${secrets.internalSecret}` } });
    expect(nodes.body.nodes.map((n: { nodeId: string }) => n.nodeId).sort()).toEqual(['local-1', 'local-2', 'local-3']);
  });

  it('creates the Kafka topics', async () => {
    const admin = new Kafka({ brokers: [`127.0.0.1:${ports.kafka}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics).toEqual(expect.arrayContaining(['video-events', 'channel-events', 'config-updates', 'config-requests', 'playback-events']));
    } finally {
      await admin.disconnect();
    }
  });

  it('has CDN nodes that check segment tokens with the generated node key and proxy to the origin gateway', async () => {
    const secrets = JSON.parse(await readFile(join(home, 'secrets.json'), 'utf8')) as { nodeKey: string };
    const node = `http://127.0.0.1:${ports.cdnNodes[0]}`;
    expect((await fetch(`${node}/media/unknown-video/360p/playlist.m3u8`)).status).toBe(403);
    const token = signSegmentToken({ videoId: 'unknown-video', expires: Math.floor(Date.now() / 1000) + 60, secret: secrets.nodeKey });
    const media = await fetch(`${node}/media/unknown-video/360p/playlist.m3u8?${token.query}`);
    expect(media.headers.get('x-vora-node')).toBe('local-1');
    expect(media.status).toBe(404);
    expect(((await media.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${node}/etc/passwd`)).status).toBe(404);
  });

  it('reports the resident memory of the whole stack', async () => {
    const rss = await groupRssKib(stackPids);
    const totalMib = [...rss.values()].reduce((a, b) => a + b, 0) / 1024;
    expect(totalMib).toBeGreaterThan(100);
    console.log(`whole stack resident memory: ${totalMib.toFixed(0)} MiB`);
  });

  it('changes a room’s slow mode live when the operator patches its channel’s configuration (vora config), and lets the CLI talk in rooms', async () => {
    const env = { ...process.env, VORA_HOME: home, VORA_PORT_OFFSET: String(offset) };
    const cli = (...args: string[]) => run(process.execPath, [join(repoRoot, 'bin/vora.js'), ...args], { env, timeoutMs: 60_000 });
    const patched = JSON.parse(await cli('config', 'patch', 'e2e-chan', '[{"op":"replace","path":"/chat/slowModeSeconds","value":7}]', '--json')) as { hash: string };
    expect(patched.hash).toMatch(/^[0-9a-f]{64}$/);
    const secrets = JSON.parse(await readFile(join(home, 'secrets.json'), 'utf8')) as { internalSecret: string };
    let rules: { slowModeSeconds?: number } = {};
    await waitFor(async () => {
      rules = (await json(`http://127.0.0.1:${ports.edge}/internal/rooms/channel-e2e-chan/rules`, { headers: { authorization: `Bearer ${secrets.internalSecret}` } })).body.rules;
      return rules.slowModeSeconds === 7;
    }, { what: 'the room to hold slow mode 7 s', timeoutMs: 30_000, everyMs: 500, detail: () => `rules ${JSON.stringify(rules)}` });
    expect(rules.slowModeSeconds).toBe(7);
    expect(JSON.parse(await cli('rooms', 'send', 'channel-e2e-chan', 'hello from the operator', '--json'))).toMatchObject({ room: 'channel-e2e-chan', seq: 1 });
  });

  it('stops every process it started on Ctrl-C', async () => {
    // minio, temporal, kafka, clickhouse, origin, transcoder, ingest, ingest-srt (the SRT relay), shield, edge and three CDN nodes.
    expect(stackPids.length).toBe(13);
    expect(stackPids.every(alive)).toBe(true);
    const dev = stack.process;
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    dev.kill('SIGINT');
    await stack.waitForOutput(/nothing left running/, 60_000);
    if (dev.exitCode === null) await exited;
    expect(dev.exitCode).toBe(0);
    expect(stackPids.filter(alive)).toEqual([]);
    const leftovers = stackPids.filter((pid) => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(leftovers).toEqual([]);
  });
});
