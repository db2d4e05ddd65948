/**
 * edge-playlist-rps: requests/s for a viewer's media playlist (`/v/{token}/720p/playlist.m3u8`, 1,800 segments)
 * through the local workerd (the stack's edge launcher, stack/edge-dev.ts): token verification against KV keys,
 * node choice from KV, the per-viewer rewrite with signed segment URLs. Baseline, same run: a bench-only worker (bench/workers/edge-baseline.ts) answering an
 * edge-cached origin playlist with no auth and no rewrite — the very bytes the edge answers (so both move the same
 * ~200 KB per request), and, for reference, the origin's untouched ~50 KB. Both read one stand-in origin, and both
 * carry wrangler.toml's [assets] block, so the local runtime's static-assets router stands in front of each alike.
 * Rounds alternate baseline / edge so drift on a shared machine hits both; medians are reported.
 *   node --import tsx bench/edge-playlist-rps.ts [concurrency=16] [seconds=8]   (or BENCH_EDGE_CONCURRENCY / BENCH_EDGE_SECONDS)
 */
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { nodeHeartbeatToken } from '../edge/src/nodes/node-token.ts';
import { stackContext, type StackContext } from '../stack/component.ts';
import { repoRoot } from '../stack/paths.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { formatTable } from '../cli/lib/table.ts';
import { httpLoad, type LoadResult } from './lib/http-load.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { vodPlaylist } from './lib/playback-fixtures.ts';
import { median, percentile, writeResults } from './lib/results.ts';
import { repoWranglerToml, workerComponent, workerConfig } from './lib/wrangler.ts';

const CONCURRENCY = numberSetting({ env: 'BENCH_EDGE_CONCURRENCY', position: 0 }, { full: 16, quick: 4 });
const SECONDS = numberSetting({ env: 'BENCH_EDGE_SECONDS', position: 1 }, { full: 8, quick: 1.5 });
const ROUNDS = quick ? 1 : 3;
const WARMUP_MS = quick ? 500 : 2_000;
const NODE_ID = 'bench-node-1';
const VIDEO_ID = 'vid_bench';
const playlistPath = `/media/${VIDEO_ID}/720p/playlist.m3u8`;

/** Where the stand-in origin serves the edge's own answer, for the same-bytes baseline (a rendition the edge never asks for). */
const sameBytesPath = `/media/${VIDEO_ID}/same-bytes/playlist.m3u8`;

/** The origin gateway's stand-in: playlists by path, cacheable for 5 minutes as the real gateway marks VOD playlists. */
function startStandInOrigin(port: number): Promise<{ requests: () => number; serve: (path: string, body: string) => void; close: () => Promise<void> }> {
  const bodies = new Map([[playlistPath, vodPlaylist({ segments: 1800, segmentSeconds: 4, fmp4: true })]]);
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const body = bodies.get(req.url ?? '');
    if (body === undefined) return void res.writeHead(404).end('no such object');
    res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'public, max-age=300', 'Content-Length': Buffer.byteLength(body) }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ requests: () => requests, serve: (path, body) => bodies.set(path, body), close: () => new Promise((done) => server.close(() => done())) }));
  });
}

async function workerConfigs(home: string): Promise<{ edge: string; baseline: string }> {
  const toml = await readFile(join(repoRoot, 'wrangler.toml'), 'utf8');
  const compatibilityDate = /^compatibility_date = .*$/m.exec(toml)?.[0] ?? 'compatibility_date = "2026-04-01"';
  // The edge's own [assets] block too: the local runtime then puts the same static-assets router in front of both
  // workers (the edge's routes run first either way), so the sides differ only in what the worker does.
  const assets = /^\[assets\]\n(?:.*\S.*\n)*/m.exec(toml)?.[0];
  if (!assets) throw new Error('wrangler.toml has no [assets] block: the baseline copies it so both sides meet the same router');
  const baselineToml = `name = "vora-edge-bench-baseline"\nmain = "unset"\n${compatibilityDate}\n\n[vars]\nBENCH_VIDEO_ID = "${VIDEO_ID}"\n\n${repoWranglerToml(assets)}`;
  const [edge, baseline] = await Promise.all([
    workerConfig(home, repoWranglerToml(toml), join(repoRoot, 'edge/src/index.ts')),
    workerConfig(home, baselineToml, join(repoRoot, 'bench/workers/edge-baseline.ts')),
  ]);
  return { edge, baseline };
}

async function call(url: string, init: RequestInit, what: string): Promise<void> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
}

async function heartbeat(edgeUrl: string, internalSecret: string): Promise<void> {
  const body = { id: NODE_ID, url: 'http://127.0.0.1:8081', region: 'local', capacity: 1000, load: { connections: 1, egressMbps: 0, cpu: 0.05 }, state: 'live' };
  const token = await nodeHeartbeatToken(internalSecret, NODE_ID);
  await call(`${edgeUrl}/internal/nodes/heartbeat`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, 'node heartbeat');
}

const rps = (r: LoadResult) => r.latenciesMs.length / r.seconds;
const home = await mkdtemp(join(tmpdir(), 'vora-bench-edge-'));
const ctx = stackContext(shiftedPorts(23000), await loadOrCreateSecrets(home), home);
const baselineCtx: StackContext = { ...ctx, ports: { ...shiftedPorts(23100), origin: ctx.ports.origin }, dataDir: join(home, 'baseline') };
const origin = await startStandInOrigin(ctx.ports.origin);
let runner: StackRunner | undefined;
let beat: NodeJS.Timeout | undefined;
try {
  const configs = await workerConfigs(home);
  const edge = { ...workerComponent(ctx, configs.edge, 'edge'), readyTimeoutMs: 120_000 };
  const baseline = { ...workerComponent(baselineCtx, configs.baseline, 'edge-baseline'), readyTimeoutMs: 120_000 };
  runner = new StackRunner([edge, baseline], ctx.logDir);
  await runner.start();

  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'ES256', use: 'sig' };
  await call(`${edge.url}/internal/keys`, { method: 'PUT', headers: { Authorization: `Bearer ${ctx.secrets.internalSecret}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ keys: [jwk] }) }, 'PUT /internal/keys');
  await heartbeat(edge.url, ctx.secrets.internalSecret);
  // A node's KV record lives 60 s: keep beating as a node agent would, for the whole run.
  beat = setInterval(() => void heartbeat(edge.url, ctx.secrets.internalSecret).catch((error: Error) => console.error(error.message)), 15_000);
  const token = await new SignJWT({ sub: VIDEO_ID, exp: Math.floor(Date.now() / 1000) + 3600 }).setProtectedHeader({ alg: 'ES256', kid: 'bench-1' }).sign(privateKey);

  const targets = { edge: `${edge.url}/v/${token}/720p/playlist.m3u8`, baseline: `${baseline.url}/v/anything/same-bytes/playlist.m3u8`, untouched: `${baseline.url}/v/anything/720p/playlist.m3u8` };
  const edgeAnswer = await (await fetch(targets.edge)).text();
  origin.serve(sameBytesPath, edgeAnswer);
  const sizes: Record<string, number> = {};
  for (const [name, url] of Object.entries(targets)) {
    const response = await fetch(url);
    const text = await response.text();
    if (response.status !== 200 || !text.includes('#EXT-X-ENDLIST')) throw new Error(`${name} did not answer the playlist: ${response.status} ${text.slice(0, 300)}`);
    sizes[name] = Buffer.byteLength(text);
    console.log(`${name}: ${sizes[name]} bytes${text.includes('127.0.0.1:8081') ? ', segments on the CDN node' : ', untouched'}`);
  }

  const names = ['baseline', 'edge', 'untouched'] as const;
  const runs: Record<(typeof names)[number], LoadResult[]> = { edge: [], baseline: [], untouched: [] };
  const options = { concurrency: CONCURRENCY, durationMs: SECONDS * 1000, warmupMs: WARMUP_MS };
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate the order each round so drift on the shared machine does not favour one side.
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const result = await httpLoad(targets[name], options);
      runs[name].push(result);
      console.log(`round ${round + 1} ${name}: ${rps(result).toFixed(0)} req/s, p50 ${percentile(result.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms, errors ${result.errors} ${JSON.stringify(result.otherStatuses)}`);
    }
  }
  const summary = (name: (typeof names)[number]) => ({
    rps: median(runs[name].map(rps)),
    p50: median(runs[name].map((r) => percentile(r.latenciesMs, 50))),
    p99: median(runs[name].map((r) => percentile(r.latenciesMs, 99))),
    errors: runs[name].reduce((sum, r) => sum + r.errors, 0),
  });
  const [real, base, untouched] = [summary('edge'), summary('baseline'), summary('untouched')];
  console.log(`\n1,800-segment media playlist, ${CONCURRENCY} keep-alive loops, ${SECONDS} s per round after ${WARMUP_MS / 1000} s warm-up, median of ${ROUNDS}; origin asked ${origin.requests()} times\n`);
  const rows: Array<[string, typeof real, number]> = [
    ['edge (verify + choose + rewrite)', real, sizes.edge!],
    ['baseline: same bytes, no auth/rewrite', base, sizes.baseline!],
    ['reference: origin bytes untouched', untouched, sizes.untouched!],
  ];
  console.log(formatTable(['worker', 'bytes', 'req/s', 'vs baseline', 'p50 ms', 'p99 ms', 'errors'], rows.map(([label, s, bytes]) => [label, String(bytes), s.rps.toFixed(0), `${(s.rps / base.rps).toFixed(2)}×`, s.p50.toFixed(1), s.p99.toFixed(1), String(s.errors)])));
  const notes = [`${CONCURRENCY} keep-alive loops, ${SECONDS} s rounds after a ${WARMUP_MS / 1000} s warm-up, median of ${ROUNDS} alternating rounds; load client on the same 2 cores as workerd`, modeNote].filter(Boolean).join('; ');
  await writeResults('edge-playlist-rps', [
    { name: 'edge-playlist-rps', value: real.rps, unit: 'req/s', better: 'higher', baseline: 'same local workerd, the same bytes cached, no auth/rewrite', baselineValue: base.rps, goal: { ratioAtLeast: 0.8 }, notes: `errors ${real.errors}/${base.errors}; untouched origin bytes (${sizes.untouched} B) ${untouched.rps.toFixed(0)} req/s; ${notes}` },
    { name: 'edge-playlist-p99', value: real.p99, unit: 'ms', better: 'lower', baseline: 'same local workerd, the same bytes cached, no auth/rewrite', baselineValue: base.p99, goal: {}, notes: `p50 ${real.p50.toFixed(1)} ms vs ${base.p50.toFixed(1)} ms; ${notes}` },
  ]);
} finally {
  if (beat) clearInterval(beat);
  await runner?.stop();
  await origin.close();
  if (!process.env.BENCH_KEEP_HOME) await rm(home, { recursive: true, force: true });
  else console.log(`kept ${home}`);
}
