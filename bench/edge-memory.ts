/**
 * edge-memory: resident memory of each process of the local edge (its Node launcher and workerd; `wrangler dev` has a
 * second workerd and esbuild) under a steady request load, started the way the stack starts it (stack/edge-dev.ts:
 * Miniflare, inspector off)
 * against the baseline of the `wrangler dev` command (inspector on, as the stack ran it before). The load is
 * GET /healthz from 4 loops as fast as they are answered: each request reads KV, calls a ChatRoom object and makes
 * one subrequest to the origin (a stand-in HTTP server here answering 200: what is measured is the edge alone).
 * RSS per process every 30 s; each side judged like a soak component from the end of its warm-up (20 %).
 *   npm run bench -- edge-memory --minutes 5     (or BENCH_EDGE_MEMORY_MINUTES; quick: 0.5)
 */
import { spawn } from 'node:child_process';
import { writeFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../cli/lib/table.ts';
import { buildNodeProcess } from '../stack/node-build.ts';
import { stopProcessGroup } from '../stack/process-group.ts';
import { repoRoot } from '../stack/paths.ts';
import { edgeDevVars, wranglerEnv } from '../stack/components/edge.ts';
import { stackContext } from '../stack/component.ts';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { flagSetting, modeNote } from './lib/options.ts';
import { writeResults, type BenchResult } from './lib/results.ts';
import { sampleGroups } from './lib/soak/process-groups.ts';
import { componentGrowth, processHeaders, processRows, type Sample } from './lib/soak/soak-report.ts';

const minutes = flagSetting({ flag: 'minutes', env: 'BENCH_EDGE_MEMORY_MINUTES' }, { full: 5, quick: 0.5 });
const durationMs = minutes * 60_000;
const warmMs = 0.2 * durationMs;
const sampleEveryMs = Math.min(30_000, durationMs / 6);
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const home = await mkdtemp(join(tmpdir(), 'vora-bench-edge-memory-'));
const ctx = stackContext(shiftedPorts(5200), await loadOrCreateSecrets(home), home);
const origin = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
});
await new Promise<void>((resolve) => origin.listen(ctx.ports.origin, '127.0.0.1', resolve));

type Side = 'wrangler dev (inspector on)' | 'edge-dev (inspector off)';
// The launcher as the stack runs it: built JavaScript (stack/components/edge.ts).
const { main: edgeDevMain } = await buildNodeProcess({ name: 'edge-dev', entry: 'stack/edge-dev.ts' });

function commandOf(side: Side, envFile: string): string[] {
  const common = ['--config', join(repoRoot, 'wrangler.toml'), '--ip', '127.0.0.1', '--port', String(ctx.ports.edge), '--persist-to', join(home, side.startsWith('wrangler') ? 'cli' : 'api'), '--env-file', envFile, '--var', `ORIGIN_URL:http://127.0.0.1:${ctx.ports.origin}`, '--log-level', 'info'];
  return side.startsWith('wrangler')
    ? [join(repoRoot, 'node_modules/wrangler/bin/wrangler.js'), 'dev', ...common, '--inspector-ip', '127.0.0.1', '--inspector-port', String(ctx.ports.edgeInspector), '--show-interactive-dev-session=false']
    : [edgeDevMain, ...common];
}

async function measure(side: Side): Promise<{ samples: Sample[]; requests: number; failures: number }> {
  const envFile = join(home, 'edge.dev.vars');
  await writeFile(envFile, edgeDevVars(ctx), { mode: 0o600 });
  await mkdir(join(home, 'logs'), { recursive: true });
  const child = spawn(process.execPath, commandOf(side, envFile), { cwd: repoRoot, detached: true, stdio: 'ignore', env: { ...process.env, ...wranglerEnv(ctx) } });
  const leader = child.pid!;
  const url = `http://127.0.0.1:${ctx.ports.edge}/healthz`;
  try {
    const readyBy = Date.now() + 90_000;
    for (;;) {
      const status = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (Date.now() > readyBy) throw new Error(`${side}: ${url} not 200 within 90 s`);
      await sleep(500);
    }
    const start = Date.now();
    const endAt = start + durationMs;
    const sample = async (): Promise<Sample> => ({ at: Date.now() - start, load: loadavg()[0]!, groups: await sampleGroups({ edge: leader }) });
    const samples = [await sample()];
    let requests = 0;
    let failures = 0;
    const loop = async () => {
      while (Date.now() < endAt) {
        const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
        if (response) await response.arrayBuffer();
        if (response?.status === 200) requests += 1;
        else failures += 1;
      }
    };
    const sampler = async () => {
      for (let tick = 1; ; tick += 1) {
        // The last sample is taken half a second before the end, while the load still runs.
        const due = Math.min(start + tick * sampleEveryMs, endAt - 500);
        await sleep(Math.max(0, due - Date.now()));
        samples.push(await sample());
        say(`  ${side} [${((Date.now() - start) / 60_000).toFixed(1)} min] ${requests} requests, edge ${(samples.at(-1)!.groups.edge!.rssKiB / 1024).toFixed(0)} MiB, load ${loadavg()[0]!.toFixed(1)}`);
        if (due >= endAt - 500) return;
      }
    };
    await Promise.all([loop(), loop(), loop(), loop(), sampler()]);
    return { samples, requests, failures };
  } finally {
    await stopProcessGroup(leader, 10_000);
  }
}

try {
  say(`edge-memory: ${minutes} min a side of GET /healthz (4 loops), RSS per process every ${(sampleEveryMs / 1000).toFixed(0)} s`);
  const rows: string[][] = [];
  const results: BenchResult[] = [];
  const lastHalf: Record<string, number> = {};
  for (const side of ['wrangler dev (inspector on)', 'edge-dev (inspector off)'] as const) {
    const { samples, requests, failures } = await measure(side);
    const growth = componentGrowth(samples, null, warmMs)[0]!;
    lastHalf[side] = growth.rss.lastHalfGrowth;
    for (const row of processRows(samples, warmMs)) rows.push([side, ...row.slice(1)]);
    rows.push([side, `group (${requests} requests, ${failures} failed)`, `${growth.rss.start.toFixed(0)} → ${growth.rss.warm.toFixed(0)} → ${growth.rss.end.toFixed(0)}`, `${growth.rss.lastHalfGrowth >= 0 ? '+' : ''}${growth.rss.lastHalfGrowth.toFixed(0)} MiB`]);
    results.push({ name: `edge-memory-last-half-${side.startsWith('wrangler') ? 'wrangler-dev' : 'edge-dev'}`, value: growth.rss.lastHalfGrowth, unit: 'MiB', baseline: 'noise floor', baselineValue: growth.rss.noise, better: 'lower', goal: side.startsWith('edge') ? { text: 'last-half growth ≤ noise', ratioAtMost: 1 } : { text: 'baseline: the stack before (none)' }, notes: [`RSS ${growth.rss.start.toFixed(0)} → ${growth.rss.warm.toFixed(0)} → ${growth.rss.end.toFixed(0)} MiB over ${requests} requests (${failures} failed)`, `${minutes} min`, modeNote].filter(Boolean).join('; ') });
  }
  say(`\n${formatTable(['side', ...processHeaders.slice(1)], rows)}`);
  say(`\nload average (1 min) at the end: ${loadavg()[0]!.toFixed(1)}`);
  await writeResults('edge-memory', results);
} finally {
  origin.close();
  await rm(home, { recursive: true, force: true });
}
