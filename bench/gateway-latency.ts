/**
 * gateway-segment-p99: latency of segment GETs (a 1 MiB object) through the origin's streaming gateway, built as
 * origin/src/main.ts builds it (its own process, bench/servers/gateway.ts; PGlite + MinIO behind it), against a
 * direct anonymous GET from MinIO.
 * The gateway reads each segment with one SigV4-signed request (origin/src/gateway/signed-object-reads.ts); a second
 * gateway process reads through the SDK's GetObjectCommand instead (`objectReads: 'sdk'`), so both read paths are
 * measured in the same run.
 * Closed loop at 100 concurrent: baseline, gateway and SDK-read gateway in alternating rounds (median of 3); the
 * gateway with an untuned `new S3Client` (SDK reads) once, for the table.
 * Then the figure of record, an open loop below saturation (100 req/s of the same segment, each timed from when it
 * was due, pulls signed as the shield signs them): the p99 the gateway adds over MinIO direct, per round, median of 3
 * (goal < 20 ms). A bare Node hop (bench/servers/bare-hop.ts: node:http piping MinIO's answer, nothing else) and the
 * SDK-read gateway run in the same rotation: what any Node process in the path adds on this machine, and what the
 * SDK's read path cost. Each round also reads each server's event-loop delay and GC pauses (lib/event-loop-stalls.ts).
 * Every open-loop side's client runs on a fresh worker thread (lib/open-load-thread.ts), as the node hits' does: the
 * main thread's bookkeeping and garbage from earlier rounds stay out of the latencies, and the client's own stalls show.
 *   node --import tsx bench/gateway-latency.ts   (--quick: 20 concurrent, 2 s, 1 round)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { renderNginxConfig } from '../edge/cdn-node/render-config.ts';
import { pullHeaders } from '../contracts/pull-signing.ts';
import { signSegmentToken } from '../edge/src/playback/segment-token.ts';
import { isRoot } from '../stack/exec.ts';
import { repoRoot } from '../stack/paths.ts';
import { nginxTool } from '../stack/tools/nginx.ts';
import { createVideo, transitionVideo } from '../origin/src/db/videos.ts';
import { openDatabase } from '../origin/src/db/open.ts';
import { originNodeFlags } from '../origin/src/node-flags.ts';
import { stackContext } from '../stack/component.ts';
import { minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { StackRunner } from '../stack/runner.ts';
import { formatTable } from '../cli/lib/table.ts';
import { describeGc, type StallReport } from './lib/event-loop-stalls.ts';
import { httpLoad, type LoadResult, type OpenLoadOptions } from './lib/http-load.ts';
import { httpOpenLoadInThread } from './lib/open-load-thread.ts';
import { nodeServerTimes, type NodeServerTimes } from './lib/node-access-log.ts';
import { modeNote, quick } from './lib/options.ts';
import { cpuMsOf, startListening, stopProcess } from './lib/process.ts';
import type { GatewayServeEnv } from './servers/gateway.ts';
import { median, percentile, writeResults } from './lib/results.ts';

const concurrency = quick ? 20 : 100;
const durationMs = quick ? 2_000 : 10_000;
const warmupMs = quick ? 500 : 2_000;
const rounds = quick ? 1 : 3;
/** The open loop: a rate well below what either side sustains closed-loop on this box, so latency is not queueing. */
const openRate = quick ? 20 : 100;
const openDurationMs = quick ? 2_000 : 10_000;
const videoId = 'vid_bench';
const segmentKey = `${videoId}/360p/seg_00001.m4s`;
/**
 * The gateway processes run with the origin's V8 flags (origin/src/node-flags.ts), as the origin runs; BENCH_GATEWAY_NODE_FLAGS
 * (space-separated, `none` for no flags) replaces them, to compare GC settings.
 */
const gatewayNodeFlags = process.env.BENCH_GATEWAY_NODE_FLAGS === undefined ? [...originNodeFlags] : process.env.BENCH_GATEWAY_NODE_FLAGS.split(' ').filter((flag) => flag && flag !== 'none');

/** The load, plus the CPU time each named process spent during the measured part. */
async function load(url: string, pids: Record<string, number>, headers: Record<string, string> = {}): Promise<LoadResult & { cpuMs: Record<string, number> }> {
  const atStart: Record<string, number> = {};
  const result = await httpLoad(url, { headers, concurrency, durationMs, warmupMs, onMeasureStart: async () => { for (const [name, pid] of Object.entries(pids)) atStart[name] = await cpuMsOf(pid); } });
  const cpuMs: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) cpuMs[name] = (await cpuMsOf(pid)) - atStart[name]!;
  return { ...result, cpuMs };
}

async function startGatewayProcess(env: GatewayServeEnv): Promise<{ child: ChildProcess; url: string; base: string }> {
  const { child, port } = await startListening(fileURLToPath(new URL('./servers/gateway.ts', import.meta.url)), [], { GATEWAY_BENCH: JSON.stringify(env) }, 30_000, gatewayNodeFlags);
  return { child, url: `http://127.0.0.1:${port}/media/${segmentKey}`, base: `http://127.0.0.1:${port}` };
}

async function startBareHop(endpoint: string): Promise<{ child: ChildProcess; url: string; base: string }> {
  const { child, port } = await startListening(fileURLToPath(new URL('./servers/bare-hop.ts', import.meta.url)), [], { BARE_HOP: JSON.stringify({ endpoint, bucket: 'vora-media' }) }, 30_000);
  return { child, url: `http://127.0.0.1:${port}/media/${segmentKey}`, base: `http://127.0.0.1:${port}` };
}

/** What a server's event loop and GC did since the last read (bench/lib/event-loop-stalls.ts). */
async function stallsOf(base: string): Promise<StallReport> {
  return (await (await fetch(`${base}/bench/stalls`)).json()) as StallReport;
}

/** One open-loop side through a server of ours: the load, its stalls and its CPU per request during it. */
interface ServerRound { result: LoadResult; clientStalls: StallReport; stalls: StallReport; cpuMsPerRequest: number }
interface OpenRound { direct: LoadResult; directClientStalls: StallReport; hop: ServerRound; gateway: ServerRound; sdk: ServerRound }

async function measureServer(server: { child: ChildProcess; url: string; base: string }, options: OpenLoadOptions): Promise<ServerRound> {
  await stallsOf(server.base);
  const cpuAtStart = await cpuMsOf(server.child.pid!);
  const { result, clientStalls } = await httpOpenLoadInThread(server.url, options);
  // Warm-up requests count in the CPU too: divide by every request sent.
  const sent = Math.floor((options.warmupMs + options.durationMs) / (1000 / options.ratePerSecond));
  return { result, clientStalls, stalls: await stallsOf(server.base), cpuMsPerRequest: ((await cpuMsOf(server.child.pid!)) - cpuAtStart) / sent };
}

/** One round of node hits: the client's latencies and stalls (its own thread), nginx's timing of the same requests. */
interface NodeHitRound { client: LoadResult; clientStalls: StallReport; server: NodeServerTimes }

/** nginx as a CDN node (the shipped template) pulling from the gateway at `gatewayHost`; its cache hits at the open-loop rate, `rounds` times. */
async function measureNodeHits(port: number, gatewayHost: string, pullSecret: string, dataDir: string): Promise<NodeHitRound[]> {
  const dir = join(dataDir, 'cdn-node');
  for (const sub of ['cache', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
  const nodeKey = 'bench-node-key-0123456789abcdef';
  const config = renderNginxConfig(await readFile(join(repoRoot, 'edge/cdn-node/nginx.conf.template'), 'utf8'), {
    nodeId: 'bench-1', listen: `127.0.0.1:${port}`, originHostPort: gatewayHost, nodeDir: dir, nodeKey, pullSecret, accessLog: join(dir, 'access.log'), userDirective: isRoot ? 'user root;' : '',
  });
  await writeFile(join(dir, 'nginx.conf'), config);
  const binary = await nginxTool.locate();
  if (!binary) throw new Error(`nginx missing: ${nginxTool.fix}`);
  const nginx = spawn(binary, ['-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const token = signSegmentToken({ videoId, expires: Math.floor(Date.now() / 1000) + 3600, secret: nodeKey });
    const url = `http://127.0.0.1:${port}/media/${segmentKey}?${token.query}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = await fetch(url).catch(() => null);
      if (answer?.status === 200 && answer.headers.get('x-cache-status') === 'HIT') break;
      await answer?.arrayBuffer();
      if (Date.now() > deadline) throw new Error(`the CDN node never served a cache hit (last: ${answer?.status} ${answer?.headers.get('x-cache-status')})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const logPath = join(dir, 'access.log');
    const hits: NodeHitRound[] = [];
    for (let round = 0; round < rounds; round += 1) {
      // nginx writes each access log line as the request ends: the lines after this count are the load's, in order.
      const linesBefore = (await readFile(logPath, 'utf8')).split('\n').length - 1;
      const { result: client, clientStalls } = await httpOpenLoadInThread(url, { ratePerSecond: openRate, durationMs: openDurationMs, warmupMs });
      const lines = (await readFile(logPath, 'utf8')).split('\n').slice(linesBefore);
      hits.push({ client, clientStalls, server: nodeServerTimes(lines, Math.floor(warmupMs / (1000 / openRate))) });
    }
    return hits;
  } finally {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-gateway-'));
  const secrets = { apiToken: 't', internalSecret: 't', nodeKey: 't', pullSecret: 'test-pull-secret-0123456789', minioUser: 'vora-bench', minioPassword: 'vora-bench-password', secretsKey: 'YmVuY2gtc2VjcmV0cy1rZXktMDEyMzQ1Njc4OWFiY2Q=' };
  const ctx = stackContext(shiftedPorts(14100), secrets, dataDir);
  const minio = new StackRunner([minioComponent(ctx)], ctx.logDir);
  const base: GatewayServeEnv = { operatorToken: 'gateway-bench-operator-token', endpoint: minioEndpoint(ctx), user: secrets.minioUser, password: secrets.minioPassword, pgliteDir: join(dataDir, 'pglite'), s3: 'origin', pullSecret: secrets.pullSecret };
  try {
    await minio.start();
    const s3 = new S3Client({ endpoint: base.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: base.user, secretAccessKey: base.password } });
    await s3.send(new PutObjectCommand({ Bucket: 'vora-media', Key: segmentKey, Body: new Uint8Array(2 ** 20).map((_, i) => i % 251) }));
    // The baseline reads the same object anonymously, as a CDN node pulling a public bucket would.
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::vora-media/${videoId}/*`] }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'vora-media', Policy: JSON.stringify(policy) }));
    s3.destroy();
    const sql = await openDatabase({ pgliteDir: base.pgliteDir });
    await createVideo(sql, { id: videoId, title: 'bench' });
    for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(sql, videoId, [from], to);
    await sql.close();

    type Run = { name: string; result: LoadResult & { cpuMs: Record<string, number> } };
    const minioPid = minio.pids()[0]!;
    const baselineUrl = `${base.endpoint}/vora-media/${segmentKey}`;
    const once: Run[] = [];
    // The gateway is private (origin/src/gateway/pull-auth.ts): the closed loop reads as an operator, the open loop
    // signs its pulls as the shield does; MinIO's anonymous read policy wants no header.
    const operatorHeaders = { authorization: `Bearer ${base.operatorToken}` };
    if (!quick) {
      const untuned = await startGatewayProcess({ ...base, s3: 'sdk-defaults', reads: 'sdk' });
      try {
        once.push({ name: 'gateway, SDK reads, untuned new S3Client (50 sockets, CRC of every body)', result: await load(untuned.url, { minio: minioPid, gateway: untuned.child.pid! }, operatorHeaders) });
      } finally {
        await stopProcess(untuned.child);
      }
    }
    const gatewayName = 'gateway (signed reads, as the origin runs)';
    const sdkName = 'gateway, SDK reads (the origin\'s S3 client)';
    const gateway = await startGatewayProcess({ ...base, reads: 'signed' });
    const sdkGateway = await startGatewayProcess({ ...base, reads: 'sdk' });
    const hop = await startBareHop(base.endpoint);
    const alternating: { direct: Run[]; gateway: Run[]; sdk: Run[] } = { direct: [], gateway: [], sdk: [] };
    const openRounds: OpenRound[] = [];
    let nodeHits: NodeHitRound[] | undefined;
    try {
      // Closed loop: baseline and both gateways in alternating rounds, so drift on a shared machine hits all.
      for (let round = 0; round < rounds; round += 1) {
        alternating.direct.push({ name: 'MinIO direct (baseline)', result: await load(baselineUrl, { minio: minioPid }) });
        alternating.gateway.push({ name: gatewayName, result: await load(gateway.url, { minio: minioPid, gateway: gateway.child.pid! }, operatorHeaders) });
        alternating.sdk.push({ name: sdkName, result: await load(sdkGateway.url, { minio: minioPid, gateway: sdkGateway.child.pid! }, operatorHeaders) });
      }
      // Open loop at a fixed rate: what the gateway adds to each answer when nobody queues. The four sides rotate.
      const open = { ratePerSecond: openRate, durationMs: openDurationMs, warmupMs };
      const pullPath = new URL(gateway.url).pathname;
      // One signature for the round, valid past its end, as a shield's pulls would carry.
      const signedPull = async () => ({ ...open, headers: await pullHeaders({ method: 'GET', path: pullPath, secret: secrets.pullSecret, nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 240 }) });
      const sides = {
        direct: () => httpOpenLoadInThread(baselineUrl, open),
        hop: () => measureServer(hop, open),
        gateway: async () => measureServer(gateway, await signedPull()),
        sdk: async () => measureServer(sdkGateway, await signedPull()),
      };
      const order = ['direct', 'hop', 'gateway', 'sdk'] as const;
      for (let round = 0; round < rounds; round += 1) {
        const measured: Partial<Record<(typeof order)[number], { result: LoadResult; clientStalls: StallReport; stalls?: StallReport; cpuMsPerRequest?: number }>> = {};
        for (let i = 0; i < order.length; i += 1) {
          const side = order[(i + round) % order.length]!;
          measured[side] = await sides[side]();
        }
        openRounds.push({ direct: measured.direct!.result, directClientStalls: measured.direct!.clientStalls, hop: measured.hop as ServerRound, gateway: measured.gateway as ServerRound, sdk: measured.sdk as ServerRound });
      }
      // A CDN node from the shipped template in front of the gateway: the p99 of its cache hits at the same rate.
      nodeHits = await measureNodeHits(ctx.ports.cdnNodes[0]!, new URL(gateway.url).host, secrets.pullSecret, dataDir);
    } finally {
      await stopProcess(hop.child);
      await stopProcess(sdkGateway.child);
      await stopProcess(gateway.child);
    }

    const row = ({ name, result }: Run) => {
      const perRequest = (who: string) => (result.cpuMs[who] === undefined ? NaN : result.cpuMs[who]! / result.requests);
      const sorted = result.latenciesMs;
      return { name, minioCpu: perRequest('minio'), gatewayCpu: perRequest('gateway'), p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, rps: result.requests / result.seconds, mibps: result.bytes / 2 ** 20 / result.seconds, errors: result.errors, requests: result.requests };
    };
    const rows = [...alternating.direct, ...once, ...alternating.sdk, ...alternating.gateway].map(row);
    console.log(`\n1 MiB segment GETs, ${concurrency} concurrent, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up (client, gateway and MinIO share this machine)\n`);
    console.log(formatTable(['target', 'requests', 'req/s', 'MiB/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'MinIO CPU ms/req', 'gateway CPU ms/req'], rows.map((r) => [r.name, String(r.requests), r.rps.toFixed(0), r.mibps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), String(r.errors), r.minioCpu.toFixed(2), Number.isNaN(r.gatewayCpu) ? '—' : r.gatewayCpu.toFixed(2)])));
    const p = (result: LoadResult, q: number) => percentile(result.latenciesMs, q);
    const openRows = openRounds.map((round, i) => ({
      round: i + 1,
      directP99: p(round.direct, 99),
      hopP99: p(round.hop.result, 99),
      gatewayP99: p(round.gateway.result, 99),
      sdkP99: p(round.sdk.result, 99),
      added: p(round.gateway.result, 99) - p(round.direct, 99),
      sdkAdded: p(round.sdk.result, 99) - p(round.direct, 99),
      hopAdded: p(round.hop.result, 99) - p(round.direct, 99),
      p50Added: p(round.gateway.result, 50) - p(round.direct, 50),
      sdkP50Added: p(round.sdk.result, 50) - p(round.direct, 50),
      errors: round.direct.errors + round.hop.result.errors + round.gateway.result.errors + round.sdk.result.errors,
      ...round,
    }));
    console.log(`\nopen loop: ${openRate} req/s of the same 1 MiB segment for ${openDurationMs / 1000} s, each timed from when it was due; sides rotate each round\n`);
    console.log(formatTable(
      ['round', 'MinIO direct p99 ms', 'bare hop p99 ms', 'gateway p99 ms', 'SDK-read gateway p99 ms', 'gateway added p99 ms', 'SDK-read added p99 ms', 'bare hop added p99 ms', 'gateway added p50 ms', 'SDK-read added p50 ms', 'errors'],
      openRows.map((r) => [String(r.round), r.directP99.toFixed(1), r.hopP99.toFixed(1), r.gatewayP99.toFixed(1), r.sdkP99.toFixed(1), r.added.toFixed(1), r.sdkAdded.toFixed(1), r.hopAdded.toFixed(1), r.p50Added.toFixed(1), r.sdkP50Added.toFixed(1), String(r.errors)]),
    ));
    console.log('\nwhere the time went, per open-loop round (event-loop delay and GC pauses inside each server, its CPU per request; the client, a fresh thread per side, its own):\n');
    const clientLoop = (stalls: StallReport) => `${stalls.loopDelay.p99.toFixed(1)} / ${stalls.loopDelay.max.toFixed(1)}`;
    console.log(formatTable(
      ['round', 'side', 'CPU ms/req', 'loop delay p99 ms', 'loop delay max ms', 'GC pauses', 'client loop delay p99 / max ms'],
      openRows.flatMap((r) => [
        [String(r.round), 'MinIO direct', '—', '—', '—', '—', clientLoop(r.directClientStalls)],
        ...(['hop', 'gateway', 'sdk'] as const).map((side) => [String(r.round), { hop: 'bare Node hop', gateway: 'gateway (signed reads)', sdk: 'gateway (SDK reads)' }[side], r[side].cpuMsPerRequest.toFixed(2), r[side].stalls.loopDelay.p99.toFixed(1), r[side].stalls.loopDelay.max.toFixed(1), describeGc(r[side].stalls.gc), clientLoop(r[side].clientStalls)]),
      ]),
    ));
    if (nodeHits) {
      console.log(`\nCDN node cache hits (nginx, token checked), ${openRate} req/s open loop of one cached 1 MiB segment, the client on a fresh thread each round:\n`);
      console.log(formatTable(
        ['round', 'client p50 ms', 'client p99 ms', 'client loop delay p99 ms', 'client GC pauses', 'nginx $request_time p50 / p99 / max ms', 'cache hits', 'errors'],
        nodeHits.map(({ client, clientStalls, server }, i) => [String(i + 1), percentile(client.latenciesMs, 50).toFixed(1), percentile(client.latenciesMs, 99).toFixed(1), clientStalls.loopDelay.p99.toFixed(1), describeGc(clientStalls.gc), `${server.p50.toFixed(0)} / ${server.p99.toFixed(0)} / ${server.max.toFixed(0)}`, `${server.hits} of ${server.requests}`, String(client.errors)]),
      ));
    }
    console.log(`gateway processes ran with: ${gatewayNodeFlags.join(' ') || 'no V8 flags'}`);
    console.log(`load average during the run: ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores`);
    const medianOf = (runs: Run[], pick: (r: ReturnType<typeof row>) => number) => median(runs.map(row).map(pick));
    const notes = (extra: string) => [`1 MiB object, ${concurrency} concurrent keep-alive loops, ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up, median of ${rounds} alternating rounds`, extra, modeNote].filter(Boolean).join('; ');
    const errors = alternating.gateway.reduce((sum, r) => sum + r.result.errors, 0);
    await writeResults('gateway-latency', [
      { name: 'gateway-segment-p99', value: medianOf(alternating.gateway, (r) => r.p99), unit: 'ms', baseline: 'direct GET from MinIO', baselineValue: medianOf(alternating.direct, (r) => r.p99), better: 'lower', goal: { valueAtMost: 50 }, notes: notes(`signed reads on the origin's S3 settings (origin/src/gateway/signed-object-reads.ts); SDK-read gateway p99 ${medianOf(alternating.sdk, (r) => r.p99).toFixed(0)} ms, ${medianOf(alternating.sdk, (r) => r.rps).toFixed(0)} req/s; errors ${errors}`) },
      { name: 'gateway-segment-p50', value: medianOf(alternating.gateway, (r) => r.p50), unit: 'ms', baseline: 'direct GET from MinIO', baselineValue: medianOf(alternating.direct, (r) => r.p50), better: 'lower', goal: {}, notes: notes('') },
      { name: 'gateway-added-p99-open-loop', value: median(openRows.map((r) => r.added)), unit: 'ms', baseline: `MinIO direct at the same ${openRate} req/s`, baselineValue: median(openRows.map((r) => r.directP99)), better: 'lower', goal: { valueAtMost: 20 }, notes: `p99 the gateway (signed reads) adds at ${openRate} req/s open loop, pulls signed as the shield signs them (gateway p99 − direct p99 per round, median of ${openRows.length}; per round ${openRows.map((r) => r.added.toFixed(1)).join(' / ')} ms; gateway loop delay p99 ${openRows.map((r) => r.gateway.stalls.loopDelay.p99.toFixed(1)).join(' / ')} ms); errors ${openRows.reduce((sum, r) => sum + r.errors, 0)}; ${modeNote}` },
      { name: 'gateway-sdk-read-added-p99-open-loop', value: median(openRows.map((r) => r.sdkAdded)), unit: 'ms', baseline: `MinIO direct at the same ${openRate} req/s`, baselineValue: median(openRows.map((r) => r.directP99)), better: 'lower', goal: {}, notes: `the same gateway reading through the SDK's GetObjectCommand (objectReads 'sdk'), same rotation; per round ${openRows.map((r) => r.sdkAdded.toFixed(1)).join(' / ')} ms; CPU ms/req ${openRows.map((r) => r.sdk.cpuMsPerRequest.toFixed(2)).join(' / ')} vs signed ${openRows.map((r) => r.gateway.cpuMsPerRequest.toFixed(2)).join(' / ')}; ${modeNote}` },
      { name: 'bare-node-hop-added-p99-open-loop', value: median(openRows.map((r) => r.hopAdded)), unit: 'ms', baseline: `MinIO direct at the same ${openRate} req/s`, baselineValue: median(openRows.map((r) => r.directP99)), better: 'lower', goal: {}, notes: `the floor of any Node gateway here: node:http piping MinIO's answer, nothing else (bench/servers/bare-hop.ts), same rotation; ${modeNote}` },
      ...(nodeHits ? [
        { name: 'cdn-node-hit-p99', value: median(nodeHits.map((h) => percentile(h.client.latenciesMs, 99))), unit: 'ms', baseline: 'none (absolute goal)', baselineValue: null, better: 'lower' as const, goal: { valueAtMost: 10 }, notes: `client side, median of ${nodeHits.length} rounds (per round ${nodeHits.map((h) => percentile(h.client.latenciesMs, 99).toFixed(1)).join(' / ')} ms; the load on its own thread, its loop delay p99 ${nodeHits.map((h) => h.clientStalls.loopDelay.p99.toFixed(1)).join(' / ')} ms): nginx node from edge/cdn-node/nginx.conf.template, segment token checked, ${openRate} req/s open loop of one cached 1 MiB segment; errors ${nodeHits.reduce((sum, h) => sum + h.client.errors, 0)}; nginx's own $request_time of the same requests in cdn-node-hit-server-p99` },
        { name: 'cdn-node-hit-server-p99', value: median(nodeHits.map((h) => h.server.p99)), unit: 'ms', baseline: 'none (the node\'s side of cdn-node-hit-p99)', baselineValue: null, better: 'lower' as const, goal: {}, notes: `nginx's $request_time (1 ms resolution) from its access log for the measured requests of cdn-node-hit-p99, median of ${nodeHits.length} rounds: max ${Math.max(...nodeHits.map((h) => h.server.max)).toFixed(0)} ms, ${nodeHits.reduce((sum, h) => sum + h.server.hits, 0)} of ${nodeHits.reduce((sum, h) => sum + h.server.requests, 0)} HIT; the rest of the client's figure is the client and this box` },
      ] : []),
      { name: 'gateway-segment-throughput', value: medianOf(alternating.gateway, (r) => r.rps), unit: 'req/s', baseline: 'direct GET from MinIO', baselineValue: medianOf(alternating.direct, (r) => r.rps), better: 'higher', goal: {}, notes: notes('') },
    ]);
  } finally {
    await minio.stop(5_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
