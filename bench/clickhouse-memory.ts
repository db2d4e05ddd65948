/**
 * clickhouse-memory: resident memory of ClickHouse under the playback sink's kind of load, a trickle of small gzipped
 * JSONEachRow inserts (one every 500 ms, 5–24 rows, into `vora.playback_events` and its daily view), for the server
 * as the stack starts it (its config, users and MALLOC_CONF, stack/components/clickhouse.ts) against the same
 * server with jemalloc's defaults. Both run at the same time and get the same bodies (which goes first alternates),
 * so the only difference is the allocator's settings. Each server is started by the stack's own component. RSS every 30 s; each side judged like a soak component from
 * the end of its warm-up (20 %).
 *   npm run bench -- clickhouse-memory --minutes 12     (or BENCH_CLICKHOUSE_MEMORY_MINUTES; quick: 1)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatTable } from '../cli/lib/table.ts';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { openClickHouse } from '../origin/src/analytics/clickhouse.ts';
import { gzipLines, toRow } from '../origin/src/analytics/rows.ts';
import { migrateAnalytics, PLAYBACK_EVENTS_TABLE } from '../origin/src/analytics/schema.ts';
import { stackContext, type StackContext } from '../stack/component.ts';
import { CLICKHOUSE_MALLOC_CONF, clickhouseComponent } from '../stack/components/clickhouse.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { stopProcessGroup } from '../stack/process-group.ts';
import { flagSetting, modeNote } from './lib/options.ts';
import { writeResults, type BenchResult } from './lib/results.ts';
import { sampleGroups } from './lib/soak/process-groups.ts';
import { componentGrowth, type Sample } from './lib/soak/soak-report.ts';

const minutes = flagSetting({ flag: 'minutes', env: 'BENCH_CLICKHOUSE_MEMORY_MINUTES' }, { full: 12, quick: 1 });
const durationMs = minutes * 60_000;
const warmMs = 0.2 * durationMs;
const sampleEveryMs = Math.min(30_000, durationMs / 6);
const INSERT_EVERY_MS = 500;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Side {
  name: string;
  /** jemalloc's settings in place of the stack's; '' is jemalloc's defaults, undefined the stack's own. */
  mallocConf?: string;
  ctx: StackContext;
  port: number;
  pid?: number;
}

const home = await mkdtemp(join(tmpdir(), 'vora-bench-clickhouse-memory-'));
const secrets = await loadOrCreateSecrets(home);
const sideOf = (name: string, shift: number, mallocConf?: string): Side => {
  const ctx = stackContext(shiftedPorts(shift), secrets, join(home, String(shift)));
  return { name, mallocConf, ctx, port: ctx.ports.clickhouseHttp };
};
const sides: Side[] = [sideOf("jemalloc's defaults (baseline)", 5400, ''), sideOf(`the stack's (MALLOC_CONF=${CLICKHOUSE_MALLOC_CONF})`, 5401)];

/** The server exactly as the stack starts it (clickhouseComponent: config, users, environment), but for MALLOC_CONF when the side sets it. */
async function start(side: Side): Promise<void> {
  const { cmd, args, cwd, env } = await clickhouseComponent(side.ctx).command();
  const mallocConf = side.mallocConf ?? env?.MALLOC_CONF ?? '';
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env, MALLOC_CONF: mallocConf }, detached: true, stdio: 'ignore' });
  side.pid = child.pid!;
  const readyBy = Date.now() + 30_000;
  while ((await fetch(`http://127.0.0.1:${side.port}/ping`).then((r) => r.ok, () => false)) === false) {
    if (Date.now() > readyBy) throw new Error(`${side.name}: ClickHouse not answering /ping on ${side.port} within 30 s`);
    await sleep(200);
  }
  const client = openClickHouse(`http://127.0.0.1:${side.port}`);
  await migrateAnalytics(client);
  await client.close();
}

/** One insert's body: 5–24 events of a few sessions, gzipped the way the producer gzips a send. */
function insertBody(sequence: number): Buffer {
  const now = Date.now();
  const lines = Array.from({ length: 5 + (sequence % 20) }, (_, i) =>
    JSON.stringify(toRow({
      eventId: randomBytes(16).toString('hex'), sessionId: `s_${(sequence % 50).toString().padStart(8, '0')}`, videoId: `v_bench${sequence % 7}`,
      viewerId: 'a'.repeat(32), country: 'DE', type: 'heartbeat', at: now - i, position: sequence * 0.5, bitrate: 2_500_000, rendition: '720p', receivedAt: now,
    })),
  );
  return gzipLines(lines);
}

async function insert(side: Side, body: Buffer): Promise<void> {
  const url = `http://127.0.0.1:${side.port}/?query=${encodeURIComponent(`INSERT INTO ${PLAYBACK_EVENTS_TABLE} FORMAT JSONEachRow`)}`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: new Uint8Array(body), signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${side.name}: insert answered ${response.status}: ${text.slice(0, 300)}`);
}

try {
  say(`clickhouse-memory: ${minutes} min, an insert every ${INSERT_EVERY_MS} ms to both servers at once, RSS every ${(sampleEveryMs / 1000).toFixed(0)} s`);
  await Promise.all(sides.map(start));
  const leaders = Object.fromEntries(sides.map((side) => [side.name, side.pid!]));
  const startedAt = Date.now();
  const sample = async (): Promise<Sample> => ({ at: Date.now() - startedAt, load: loadavg()[0]!, groups: await sampleGroups(leaders) });
  const samples = [await sample()];
  let inserts = 0;
  let nextSampleAt = startedAt + sampleEveryMs;
  while (Date.now() < startedAt + durationMs) {
    const body = insertBody(inserts);
    const order = inserts % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) await insert(side, body);
    inserts += 1;
    if (Date.now() >= nextSampleAt) {
      nextSampleAt += sampleEveryMs;
      samples.push(await sample());
      say(`  [${((Date.now() - startedAt) / 60_000).toFixed(1)} min] ${inserts} inserts; RSS ${sides.map((side) => `${(samples.at(-1)!.groups[side.name]!.rssKiB / 1024).toFixed(0)} MiB`).join(' / ')}; load ${loadavg()[0]!.toFixed(1)}`);
    }
    await sleep(INSERT_EVERY_MS);
  }
  samples.push(await sample());
  const growth = componentGrowth(samples, null, warmMs);
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`;
  say(`\n${formatTable(['server', 'RSS MiB start → warm → end', 'RSS last half', 'noise floor', 'verdict'], growth.map((g) => [g.name, `${g.rss.start.toFixed(0)} → ${g.rss.warm.toFixed(0)} → ${g.rss.end.toFixed(0)}`, `${signed(g.rss.lastHalfGrowth)} MiB`, `${g.rss.noise.toFixed(0)} MiB`, g.rss.verdict]))}`);
  say(`\n${inserts} inserts each; load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)}`);
  const [defaults, stack] = growth as [typeof growth[0], typeof growth[0]];
  const results: BenchResult[] = [
    { name: 'clickhouse-memory-end', value: stack.rss.end, unit: 'MiB', baseline: "the same server with jemalloc's defaults", baselineValue: defaults.rss.end, better: 'lower', goal: { text: 'below the baseline', ratioAtMost: 1 }, notes: [`RSS ${stack.rss.start.toFixed(0)} → ${stack.rss.end.toFixed(0)} MiB against ${defaults.rss.start.toFixed(0)} → ${defaults.rss.end.toFixed(0)}`, `${inserts} inserts each over ${minutes} min`, modeNote].filter(Boolean).join('; ') },
    { name: 'clickhouse-memory-last-half', value: stack.rss.lastHalfGrowth, unit: 'MiB', baseline: 'noise floor', baselineValue: stack.rss.noise, better: 'lower', goal: { text: 'last-half growth ≤ noise', ratioAtMost: 1 }, notes: [`jemalloc's defaults: ${signed(defaults.rss.lastHalfGrowth)} MiB in the last half (${defaults.rss.verdict})`, modeNote].filter(Boolean).join('; ') },
  ];
  await writeResults('clickhouse-memory', results);
} finally {
  for (const side of sides) if (side.pid) await stopProcessGroup(side.pid, 10_000);
  await rm(home, { recursive: true, force: true });
}
