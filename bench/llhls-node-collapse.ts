// LL-HLS at a CDN node: upstream fetches per part, and how late viewers get each part, with 200 viewers waiting on
// every preload-hinted part (llhls-node-fetches-per-part, llhls-node-part-delay-p50/p95).
// One nginx node from the shipped template in front of a stand-in LL-HLS origin (in this process) that makes a part
// every 1/3 s and holds each request for a part until it exists, as the origin holds the hinted part. Every viewer
// asks for the next part as soon as it has the previous one, as hls.js does with EXT-X-PRELOAD-HINT.
// Baseline, same run, alternating rounds: the same node with `proxy_cache_lock off` (every waiting viewer its own fetch).
// Run: node --import tsx bench/llhls-node-collapse.ts   (--quick: 20 viewers, 1 round)
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../cli/lib/table.ts';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { renderNginxConfig } from '../edge/cdn-node/render-config.ts';
import { signSegmentToken } from '../edge/src/playback/segment-token.ts';
import { isRoot } from '../stack/exec.ts';
import { repoRoot } from '../stack/paths.ts';
import { nginxTool } from '../stack/tools/nginx.ts';
import { modeNote, quick } from './lib/options.ts';
import { median, percentile, writeResults } from './lib/results.ts';

const viewers = quick ? 20 : 200;
const partsPerRound = quick ? 9 : 30;
const rounds = quick ? 1 : 3;
const PART_MS = 1000 / 3;
const PART_BYTES = 60_000; // 1/3 s of a 1.4 Mb/s rung
const nodeKey = 'bench-node-key-0123456789abcdef';
const pullSecret = 'bench-pull-secret-0123456789';
const ports = shiftedPorts(14_700);
const nodePort = ports.cdnNodes[0];
const upstreamPort = ports.origin;
const loadNow = () => loadavg()[0]!.toFixed(2);

type Side = 'lock' | 'no-lock';
interface Round {
  side: Side;
  fetchesPerPart: number;
  /** ms from a part's creation to each viewer having all its bytes. */
  delaysMs: number[];
  failures: number;
}

/** The stand-in origin of one round: part i of `stream` exists from `startAt + i × PART_MS`; earlier asks are held until then. */
function standInOrigin(): { server: Server; begin(stream: string): number; fetches: Map<string, number> } {
  const fetches = new Map<string, number>();
  let stream = '';
  let startAt = 0;
  const body = Buffer.alloc(PART_BYTES, 7);
  const server = createServer((request, response) => {
    const match = /\/seg_00001\.part(\d+)\.m4s$/.exec(new URL(request.url ?? '/', 'http://o').pathname);
    if (!match || !request.url!.includes(stream)) {
      response.writeHead(404).end();
      return;
    }
    const key = `${stream}/${match[1]}`;
    fetches.set(key, (fetches.get(key) ?? 0) + 1);
    const wait = Math.max(0, startAt + Number(match[1]) * PART_MS - performance.now());
    setTimeout(() => response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable' }).end(body), wait);
  });
  return {
    server,
    fetches,
    begin(name) {
      stream = name;
      startAt = performance.now() + 500;
      return startAt;
    },
  };
}

async function startNode(nginx: string, dir: string, side: Side): Promise<ChildProcess> {
  for (const sub of ['cache', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
  const rendered = renderNginxConfig(await readFile(join(repoRoot, 'edge/cdn-node/nginx.conf.template'), 'utf8'), {
    nodeId: `bench-${side}`, listen: `127.0.0.1:${nodePort}`, originHostPort: `127.0.0.1:${upstreamPort}`, nodeDir: dir, nodeKey, pullSecret, accessLog: '/dev/null', userDirective: isRoot ? 'user root;' : '',
  });
  if (!rendered.includes('proxy_cache_lock on;')) throw new Error('the node template no longer says `proxy_cache_lock on;`: update this benchmark');
  const config = side === 'lock' ? rendered : rendered.replace('proxy_cache_lock on;', 'proxy_cache_lock off;');
  await writeFile(join(dir, 'nginx.conf'), config);
  const child = spawn(nginx, ['-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const deadline = Date.now() + 10_000;
  while (!(await fetch(`http://127.0.0.1:${nodePort}/healthz`).then((answer) => answer.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nginx (${side}) did not answer within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One round: `viewers` players each reading parts 0…n−1 of a fresh stream in order, each asked before it exists. */
async function round(origin: ReturnType<typeof standInOrigin>, side: Side, index: number): Promise<Round> {
  const stream = `/media/live/in_bench/b${index + 1}/720p`;
  const token = signSegmentToken({ videoId: 'in_bench', live: true, expires: Math.floor(Date.now() / 1000) + 3600, secret: nodeKey }).query;
  const startAt = origin.begin(stream);
  const delaysMs: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: viewers }, async () => {
      for (let part = 0; part < partsPerRound; part += 1) {
        const answer = await fetch(`http://127.0.0.1:${nodePort}${stream}/seg_00001.part${part}.m4s?${token}`, { signal: AbortSignal.timeout(15_000) }).catch(() => null);
        const bytes = answer ? await answer.arrayBuffer().catch(() => null) : null;
        if (!answer || answer.status !== 200 || bytes?.byteLength !== PART_BYTES) {
          failures += 1;
          continue;
        }
        delaysMs.push(performance.now() - (startAt + part * PART_MS));
      }
    }),
  );
  const counts = [...origin.fetches.entries()].filter(([key]) => key.startsWith(`${stream}/`)).map(([, count]) => count);
  return { side, fetchesPerPart: counts.reduce((sum, n) => sum + n, 0) / partsPerRound, delaysMs: delaysMs.sort((a, b) => a - b), failures };
}

async function main(): Promise<void> {
  const loadAtStart = loadNow();
  const nginx = await nginxTool.locate();
  if (!nginx) throw new Error(`nginx missing: ${nginxTool.fix}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-llhls-node-'));
  const origin = standInOrigin();
  await new Promise<void>((resolve) => origin.server.listen(upstreamPort, '127.0.0.1', resolve));
  const results: Round[] = [];
  try {
    for (let i = 0; i < rounds; i += 1) {
      // Alternating order: lock first in even rounds, the baseline first in odd ones.
      for (const side of (i % 2 === 0 ? ['lock', 'no-lock'] : ['no-lock', 'lock']) as Side[]) {
        const node = await startNode(nginx, join(dataDir, `${side}-${i}`), side);
        try {
          results.push(await round(origin, side, results.length));
        } finally {
          await stopNode(node);
        }
      }
    }
  } finally {
    await new Promise((resolve) => origin.server.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  }

  const of = (side: Side) => results.filter((r) => r.side === side);
  const p = (r: Round, q: number) => percentile(r.delaysMs, q);
  console.log(`\n${viewers} viewers waiting on each of ${partsPerRound} parts (one every ${PART_MS.toFixed(0)} ms), one nginx node from the shipped template\n`);
  console.log(formatTable(['round', 'side', 'upstream fetches / part', 'delay p50 ms', 'delay p95 ms', 'delay max ms', 'failures'], results.map((r, i) => [String(Math.floor(i / 2) + 1), r.side, r.fetchesPerPart.toFixed(2), p(r, 50).toFixed(0), p(r, 95).toFixed(0), r.delaysMs.at(-1)!.toFixed(0), String(r.failures)])));
  const loadText = `load 1-min ${loadAtStart} → ${loadNow()} on ${availableParallelism()} cores`;
  console.log(`\n${loadText}`);
  const failures = (side: Side) => of(side).reduce((sum, r) => sum + r.failures, 0);
  const common = `${viewers} viewers × ${partsPerRound} parts of ${PART_BYTES / 1000} kB, each asked before it exists (held by a stand-in origin in the benchmark's process), median of ${rounds} alternating rounds; failures ${failures('lock')} with the lock, ${failures('no-lock')} without`;
  await writeResults('llhls-node-collapse', [
    { name: 'llhls-node-fetches-per-part', value: median(of('lock').map((r) => r.fetchesPerPart)), unit: 'fetches', baseline: 'the same node with proxy_cache_lock off', baselineValue: median(of('no-lock').map((r) => r.fetchesPerPart)), better: 'lower', goal: { text: 'exactly 1.0 with 200 waiting viewers', valueAtMost: 1 }, notes: `${common}; ${modeNote}` },
    { name: 'llhls-node-part-delay-p50', value: median(of('lock').map((r) => p(r, 50))), unit: 'ms', baseline: 'the same node with proxy_cache_lock off', baselineValue: median(of('no-lock').map((r) => p(r, 50))), better: 'lower', goal: {}, notes: `from the part's creation at the origin to a viewer holding all its bytes; nginx's waiters poll the cache lock every 500 ms; ${common}; ${modeNote}` },
    { name: 'llhls-node-part-delay-p95', value: median(of('lock').map((r) => p(r, 95))), unit: 'ms', baseline: 'the same node with proxy_cache_lock off', baselineValue: median(of('no-lock').map((r) => p(r, 95))), better: 'lower', goal: {}, notes: `${common}; ${modeNote}` },
  ]);
}

await main();
