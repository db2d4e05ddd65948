/**
 * shield: what the origin shield (Debian's varnishd with the VCL of shield/vcl.ts, as `npm start` runs it) buys and costs.
 *   1. Origin fetches per object: 3 CDN nodes (nginx from the shipped template) × 50 concurrent viewers of one
 *      rendition (playlist + segments in order), counted at the gateway; nodes pulling through the shield vs
 *      pulling from the gateway themselves. Sides alternate, a fresh video each round, median of the rounds.
 *   2. p99 the shield adds at a fixed open-loop rate: on a hit (one cached 1 MiB segment; baseline: the same bytes
 *      from a static nginx file server, the floor of any HTTP hop) and on a miss (each request a distinct 1 MiB
 *      segment, the video purged from the shield before each round; baseline: the gateway asked directly).
 *   3. Seconds of continued playback for viewers of a READY video with the origin stopped: viewers on nodes that
 *      never held the video, after one viewer watched it once; with the shield vs without.
 *   node --import tsx bench/shield.ts   (--quick: small numbers, 1 round)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { pullHeaders } from '../contracts/pull-signing.ts';
import { renderNginxConfig } from '../edge/cdn-node/render-config.ts';
import { signSegmentToken } from '../edge/src/playback/segment-token.ts';
import { openDatabase } from '../origin/src/db/open.ts';
import { createVideo, transitionVideo } from '../origin/src/db/videos.ts';
import { shieldPurger } from '../origin/src/shield/purge-shields.ts';
import { stackContext } from '../stack/component.ts';
import { minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { shieldComponent, shieldUrl } from '../stack/components/shield.ts';
import { isRoot } from '../stack/exec.ts';
import { repoRoot } from '../stack/paths.ts';
import { StackRunner } from '../stack/runner.ts';
import { nginxTool } from '../stack/tools/nginx.ts';
import { formatTable } from '../cli/lib/table.ts';
import { httpOpenLoad, type LoadResult } from './lib/http-load.ts';
import { modeNote, quick } from './lib/options.ts';
import { startListening, stopProcess } from './lib/process.ts';
import { generatedBytes, generatedRendition, renditionFiles, segmentName, segmentSeconds, watchRendition, type Rendition } from './lib/rendition-viewers.ts';
import { median, percentile, writeResults } from './lib/results.ts';
import type { GatewayServeEnv } from './servers/gateway.ts';
import { originNodeFlags } from '../origin/src/node-flags.ts';

const rounds = quick ? 1 : 3;
const viewersPerNode = quick ? 10 : 50;
const fanoutSegments = quick ? 4 : 8;
const fanoutSegmentBytes = 256 * 1024;
const hitRate = quick ? 20 : 100;
const missRate = quick ? 10 : 20;
const openDurationMs = quick ? 2_000 : 10_000;
const warmupMs = quick ? 500 : 2_000;
const missObjects = Math.floor(((openDurationMs + warmupMs) / 1000) * missRate);
const playSegments = quick ? 10 : 30;
/** After the gateway stops: past the master's 2 s max-age and the probe's sick verdict (3 probes of 1 s). */
const originDownPauseMs = 6_000;

const secrets = { apiToken: 'bench-api-token-0123456789', internalSecret: 'bench-internal-0123456789', nodeKey: 'bench-node-key-0123456789abcdef', pullSecret: 'bench-pull-secret-0123456789', minioUser: 'vora-bench', minioPassword: 'vora-bench-password', secretsKey: 'YmVuY2gtc2VjcmV0cy1rZXktMDEyMzQ1Njc4OWFiY2Q=' };
const fanoutRendition = generatedRendition(fanoutSegments, fanoutSegmentBytes);
const playRendition = generatedRendition(playSegments, fanoutSegmentBytes);
const loadNow = () => loadavg()[0]!.toFixed(2);

interface Node {
  url: string;
  child: ChildProcess;
}

/** A CDN node: nginx from the shipped template (segment token checked, cache with lock), pulling misses from `upstream`. */
async function startNode(nginx: string, name: string, port: number, upstream: string, dataDir: string): Promise<Node> {
  const dir = join(dataDir, name);
  for (const sub of ['cache', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
  const config = renderNginxConfig(await readFile(join(repoRoot, 'edge/cdn-node/nginx.conf.template'), 'utf8'), {
    nodeId: name, listen: `127.0.0.1:${port}`, originHostPort: upstream, nodeDir: dir, nodeKey: secrets.nodeKey, pullSecret: secrets.pullSecret, accessLog: '/dev/null', userDirective: isRoot ? 'user root;' : '',
  });
  await writeFile(join(dir, 'nginx.conf'), config);
  return startNginx(nginx, join(dir, 'nginx.conf'), `http://127.0.0.1:${port}`);
}

async function startNginx(nginx: string, confPath: string, url: string): Promise<Node> {
  // Its error log would print every refused upstream connect of the origin-down part: only its exit matters here.
  const child = spawn(nginx, ['-c', confPath], { stdio: ['ignore', 'ignore', 'ignore'] });
  const deadline = Date.now() + 10_000;
  while (!(await fetch(`${url}/healthz`).then((answer) => answer.status < 500, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nginx at ${url} did not answer within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child };
}

async function stopNginx(node: Node): Promise<void> {
  if (node.child.exitCode !== null) return;
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGTERM');
  await exited;
}

/** One viewer (bench/lib/rendition-viewers.ts) of a video's 360p rendition. Returns the seconds it could play from the start. */
async function watch(nodeUrl: string, videoId: string, rendition: Rendition): Promise<{ playedSeconds: number; failures: number }> {
  const segmentToken = signSegmentToken({ videoId, expires: Math.floor(Date.now() / 1000) + 3600, secret: secrets.nodeKey }).query;
  const outcome = await watchRendition(nodeUrl, { videoId, renditionName: '360p', rendition, segmentToken });
  return { playedSeconds: outcome.segmentsPlayed * segmentSeconds, failures: outcome.failure ? 1 : 0 };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-shield-'));
  const ctx = stackContext(shiftedPorts(14300), secrets, dataDir);
  const minio = new StackRunner([minioComponent(ctx)], ctx.logDir);
  const nginx = await nginxTool.locate();
  if (!nginx) throw new Error(`nginx missing: ${nginxTool.fix}`);
  const loadAtStart = loadNow();
  const started: Node[] = [];
  let gateway: ChildProcess | undefined;
  let shield: StackRunner | undefined;
  try {
    await minio.start();
    const s3 = new S3Client({ endpoint: minioEndpoint(ctx), region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: secrets.minioUser, secretAccessKey: secrets.minioPassword } });
    const put = (key: string, body: Uint8Array | string) => s3.send(new PutObjectCommand({ Bucket: 'vora-media', Key: key, Body: body }));
    const sql = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
    const ready = async (videoId: string) => {
      await createVideo(sql, { id: videoId, title: videoId });
      for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(sql, videoId, [from], to);
    };
    const fanoutVideo = (side: string, round: number) => `vid_fan_${side}_${round}`;
    for (let round = 0; round < rounds; round += 1) {
      for (const side of ['shield', 'direct']) {
        const id = fanoutVideo(side, round);
        await ready(id);
        for (const { file, body } of renditionFiles(fanoutRendition)) await put(`${id}/360p/${file}`, body);
      }
    }
    const hitBytes = generatedBytes(2 ** 20, 7);
    await ready('vid_hit');
    await put('vid_hit/360p/seg_00001.m4s', hitBytes);
    await ready('vid_miss');
    for (let i = 0; i < missObjects; i += 1) await put(`vid_miss/360p/${segmentName(i)}`, generatedBytes(2 ** 20, i));
    for (const side of ['shield', 'direct']) {
      await ready(`vid_play_${side}`);
      for (const { file, body } of renditionFiles(playRendition)) await put(`vid_play_${side}/360p/${file}`, body);
    }
    await sql.close();
    s3.destroy();

    // The gateway alone in its process (bench/servers/gateway.ts), counting every GET by path.
    const gatewayEnv: GatewayServeEnv = { operatorToken: 'bench-operator-token-0123', endpoint: minioEndpoint(ctx), user: secrets.minioUser, password: secrets.minioPassword, pgliteDir: join(dataDir, 'pglite'), s3: 'origin', pullSecret: secrets.pullSecret, countRequests: true };
    const listening = await startListening(fileURLToPath(new URL('./servers/gateway.ts', import.meta.url)), [], { GATEWAY_BENCH: JSON.stringify(gatewayEnv) }, 30_000, originNodeFlags);
    gateway = listening.child;
    const gatewayUrl = `http://127.0.0.1:${listening.port}`;
    const gatewayCounts = async () => (await (await fetch(`${gatewayUrl}/bench/requests`)).json()) as Record<string, number>;

    shield = new StackRunner([shieldComponent(ctx, { gatewayPort: listening.port, memory: '1g' })], ctx.logDir);
    await shield.start();
    const shieldBase = shieldUrl(ctx);
    const shieldNodes: Node[] = [];
    const directNodes: Node[] = [];
    for (let i = 0; i < 3; i += 1) {
      shieldNodes.push(await startNode(nginx, `via-shield-${i + 1}`, ctx.ports.cdnNodes[i]!, new URL(shieldBase).host, dataDir));
      directNodes.push(await startNode(nginx, `direct-${i + 1}`, ctx.ports.origin + 30 + i, new URL(gatewayUrl).host, dataDir));
    }
    started.push(...shieldNodes, ...directNodes);

    // 1. Origin fetches per object, 3 nodes × viewersPerNode viewers starting together.
    const fanout: Record<'shield' | 'direct', Array<{ perObject: number; failures: number; seconds: number }>> = { shield: [], direct: [] };
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? (['shield', 'direct'] as const) : (['direct', 'shield'] as const);
      for (const side of order) {
        const videoId = fanoutVideo(side, round);
        const nodes = side === 'shield' ? shieldNodes : directNodes;
        const began = performance.now();
        const viewers = await Promise.all(nodes.flatMap((node) => Array.from({ length: viewersPerNode }, () => watch(node.url, videoId, fanoutRendition))));
        const seconds = (performance.now() - began) / 1000;
        const counts = await gatewayCounts();
        const fetched = Object.entries(counts).filter(([path]) => path.startsWith(`/media/${videoId}/`)).reduce((sum, [, count]) => sum + count, 0);
        fanout[side].push({ perObject: fetched / (fanoutSegments + 1), failures: viewers.reduce((sum, viewer) => sum + viewer.failures, 0), seconds });
      }
    }

    // 2. Open loops: hits of one cached segment; misses of distinct segments.
    const staticDir = join(dataDir, 'static');
    await mkdir(join(staticDir, 'media/vid_hit/360p'), { recursive: true });
    await writeFile(join(staticDir, 'media/vid_hit/360p/seg_00001.m4s'), hitBytes);
    await writeFile(join(staticDir, 'healthz'), 'ok');
    const staticPort = ctx.ports.origin + 35;
    await writeFile(join(dataDir, 'static.conf'), `${isRoot ? 'user root;' : ''}\nworker_processes 1;\npid ${dataDir}/static.pid;\nerror_log stderr warn;\ndaemon off;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  client_body_temp_path ${dataDir}/static-tmp;\n  proxy_temp_path ${dataDir}/static-tmp;\n  fastcgi_temp_path ${dataDir}/static-tmp;\n  uwsgi_temp_path ${dataDir}/static-tmp;\n  scgi_temp_path ${dataDir}/static-tmp;\n  server {\n    listen 127.0.0.1:${staticPort};\n    root ${staticDir};\n  }\n}\n`);
    await mkdir(join(dataDir, 'static-tmp'), { recursive: true });
    const staticServer = await startNginx(nginx, join(dataDir, 'static.conf'), `http://127.0.0.1:${staticPort}`);
    started.push(staticServer);

    const signed = async (path: string) => pullHeaders({ method: 'GET', path, secret: secrets.pullSecret, nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 250 });
    const hitPath = '/media/vid_hit/360p/seg_00001.m4s';
    const warm = await fetch(`${shieldBase}${hitPath}`, { headers: await signed(hitPath) });
    await warm.arrayBuffer();
    const purge = shieldPurger({ shieldUrls: [shieldBase], pullSecret: secrets.pullSecret, log: pino({ level: 'warn' }) });
    const open = { durationMs: openDurationMs, warmupMs };
    const hitRounds: Array<{ shield: LoadResult; static: LoadResult; gateway: LoadResult }> = [];
    const missRounds: Array<{ shield: LoadResult; gateway: LoadResult }> = [];
    for (let round = 0; round < rounds; round += 1) {
      const hitHeaders = await signed(hitPath);
      const hitSides = { shield: () => httpOpenLoad(`${shieldBase}${hitPath}`, { ...open, ratePerSecond: hitRate, headers: hitHeaders }), static: () => httpOpenLoad(`${staticServer.url}${hitPath}`, { ...open, ratePerSecond: hitRate }), gateway: () => httpOpenLoad(`${gatewayUrl}${hitPath}`, { ...open, ratePerSecond: hitRate, headers: hitHeaders }) };
      const hitOrder = round % 2 === 0 ? (['shield', 'static', 'gateway'] as const) : (['static', 'shield', 'gateway'] as const);
      const hit: Partial<Record<keyof typeof hitSides, LoadResult>> = {};
      for (const side of hitOrder) hit[side] = await hitSides[side]();
      hitRounds.push(hit as Required<typeof hit>);

      const missPaths = Array.from({ length: missObjects }, (_, i) => `/media/vid_miss/360p/${segmentName(i)}`);
      const missHeaders = await Promise.all(missPaths.map(signed));
      const outcome = await purge('vid_miss');
      if (!outcome.every((result) => result.ok)) throw new Error(`could not purge vid_miss from the shield: ${JSON.stringify(outcome)}`);
      const missSides = {
        shield: () => httpOpenLoad((i) => ({ url: `${shieldBase}${missPaths[i]}`, headers: missHeaders[i] }), { ...open, ratePerSecond: missRate }),
        gateway: () => httpOpenLoad((i) => ({ url: `${gatewayUrl}${missPaths[i]}`, headers: missHeaders[i] }), { ...open, ratePerSecond: missRate }),
      };
      const missOrder = round % 2 === 0 ? (['shield', 'gateway'] as const) : (['gateway', 'shield'] as const);
      const miss: Partial<Record<keyof typeof missSides, LoadResult>> = {};
      for (const side of missOrder) miss[side] = await missSides[side]();
      missRounds.push(miss as Required<typeof miss>);
    }

    // 3. The origin down: one viewer watched each side's video once (through node 1), then the gateway stops.
    for (const side of ['shield', 'direct'] as const) {
      const first = await watch((side === 'shield' ? shieldNodes : directNodes)[0]!.url, `vid_play_${side}`, playRendition);
      if (first.failures > 0) throw new Error(`the first viewer of vid_play_${side} could not play it with the origin up`);
    }
    await stopProcess(gateway);
    await new Promise((resolve) => setTimeout(resolve, originDownPauseMs)); // the outage under test: past max-age and the probe's verdict
    const down: Record<'shield' | 'direct', Array<{ playedSeconds: number }>> = { shield: [], direct: [] };
    for (const side of ['shield', 'direct'] as const) {
      const nodes = side === 'shield' ? shieldNodes : directNodes;
      // Nodes 2 and 3 never held this video: whatever they serve came from upstream with the origin down.
      down[side] = await Promise.all(nodes.slice(1).flatMap((node) => Array.from({ length: 5 }, () => watch(node.url, `vid_play_${side}`, playRendition))));
    }
    const masterPath = '/media/vid_play_shield/360p/playlist.m3u8';
    const edgePlaylist = await fetch(`${shieldBase}${masterPath}`, { headers: await signed(masterPath) });
    await edgePlaylist.arrayBuffer();

    // Report.
    const fanoutRows = (['shield', 'direct'] as const).map((side) => [side === 'shield' ? 'nodes → shield → gateway' : 'nodes → gateway (no shield)', fanout[side].map((r) => r.perObject.toFixed(2)).join(' / '), median(fanout[side].map((r) => r.perObject)).toFixed(2), String(fanout[side].reduce((s, r) => s + r.failures, 0)), median(fanout[side].map((r) => r.seconds)).toFixed(1)]);
    console.log(`\n1. ${3 * viewersPerNode} viewers (3 nodes × ${viewersPerNode}) of one rendition (playlist + ${fanoutSegments} × 256 KiB segments), all starting together; gateway GETs per object, ${rounds} alternating rounds\n`);
    console.log(formatTable(['side', 'per object by round', 'median', 'viewer failures', 'median s'], fanoutRows));
    const p99 = (r: LoadResult) => percentile(r.latenciesMs, 99);
    const p50 = (r: LoadResult) => percentile(r.latenciesMs, 50);
    const errors = (r: LoadResult) => r.errors;
    console.log(`\n2a. hits: one cached 1 MiB segment at ${hitRate} req/s open loop, ${openDurationMs / 1000} s after ${warmupMs / 1000} s\n`);
    console.log(formatTable(['round', 'static nginx p99', 'shield hit p99', 'added p99', 'shield p50', 'gateway p99 (reference)', 'errors'], hitRounds.map((r, i) => [String(i + 1), p99(r.static).toFixed(1), p99(r.shield).toFixed(1), (p99(r.shield) - p99(r.static)).toFixed(1), p50(r.shield).toFixed(1), p99(r.gateway).toFixed(1), String(errors(r.shield) + errors(r.static) + errors(r.gateway))])));
    console.log(`\n2b. misses: ${missObjects} distinct 1 MiB segments at ${missRate} req/s open loop (video purged from the shield before each round)\n`);
    console.log(formatTable(['round', 'gateway direct p99', 'shield miss p99', 'added p99', 'added p50', 'errors'], missRounds.map((r, i) => [String(i + 1), p99(r.gateway).toFixed(1), p99(r.shield).toFixed(1), (p99(r.shield) - p99(r.gateway)).toFixed(1), (p50(r.shield) - p50(r.gateway)).toFixed(1), String(errors(r.shield) + errors(r.gateway))])));
    const played = (side: 'shield' | 'direct') => Math.min(...down[side].map((viewer) => viewer.playedSeconds));
    console.log(`\n3. origin stopped ${originDownPauseMs / 1000} s before: 10 viewers on two nodes that never held the ${playSegments * segmentSeconds} s video; seconds each could play from the start\n`);
    console.log(formatTable(['side', 'worst viewer s', 'best viewer s', 'playlist via shield (as the edge fetches it)'], (['shield', 'direct'] as const).map((side) => [side === 'shield' ? 'with shield' : 'without shield', String(played(side)), String(Math.max(...down[side].map((v) => v.playedSeconds))), side === 'shield' ? String(edgePlaylist.status) : '—'])));
    const loadText = `load 1-min ${loadAtStart} → ${loadNow()} on ${availableParallelism()} cores`;
    console.log(`\n${loadText}`);

    const hitAdded = median(hitRounds.map((r) => p99(r.shield) - p99(r.static)));
    const missAdded = median(missRounds.map((r) => p99(r.shield) - p99(r.gateway)));
    await writeResults('shield', [
      { name: 'shield-origin-fetches-per-object', value: median(fanout.shield.map((r) => r.perObject)), unit: 'fetches', baseline: '3 nodes pulling from the gateway themselves', baselineValue: median(fanout.direct.map((r) => r.perObject)), better: 'lower', goal: { text: 'exactly 1.00 (vs 3.00 without)', valueAtMost: 1 }, notes: `3 nodes × ${viewersPerNode} viewers of one rendition, ${fanoutSegments + 1} objects, median of ${rounds} alternating rounds; viewer failures ${fanout.shield.reduce((s, r) => s + r.failures, 0)} with, ${fanout.direct.reduce((s, r) => s + r.failures, 0)} without; ${modeNote}` },
      { name: 'shield-hit-added-p99', value: hitAdded, unit: 'ms', baseline: `static nginx file, same bytes, same ${hitRate} req/s`, baselineValue: median(hitRounds.map((r) => p99(r.static))), better: 'lower', goal: { valueAtMost: 10 }, notes: `shield hit p99 − static p99 per round, median of ${rounds}; shield hit p99 ${median(hitRounds.map((r) => p99(r.shield))).toFixed(1)} ms; gateway direct p99 ${median(hitRounds.map((r) => p99(r.gateway))).toFixed(1)} ms; ${modeNote}` },
      { name: 'shield-miss-added-p99', value: missAdded, unit: 'ms', baseline: `the gateway asked directly, same objects, ${missRate} req/s`, baselineValue: median(missRounds.map((r) => p99(r.gateway))), better: 'lower', goal: {}, notes: `shield miss p99 − gateway p99 per round, median of ${rounds}; ${missObjects} distinct 1 MiB objects per round; ${modeNote}` },
      { name: 'shield-origin-down-playback', value: played('shield'), unit: 's', baseline: 'nodes without a shield', baselineValue: played('direct'), better: 'higher', goal: { text: `the whole video (${playSegments * segmentSeconds} s)`, valueAtLeast: playSegments * segmentSeconds }, notes: `worst of 10 viewers on 2 nodes that never held the video, origin stopped ${originDownPauseMs / 1000} s before; ${modeNote}` },
    ]);
  } finally {
    for (const node of started) await stopNginx(node).catch(() => undefined);
    if (gateway) await stopProcess(gateway);
    await shield?.stop(5_000);
    await minio.stop(5_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
