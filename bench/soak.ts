/**
 * Soak: the whole local stack of `npm start` (own ports and data dir) under a mixed load for `--minutes N` (30; quick 2):
 * TUS uploads (every third cut and resumed) that must become READY, viewers playing them through the edge and the
 * CDN nodes (playlists and segments with their tokens), chat rooms of WebSocket clients, playback beacons into
 * analytics. RSS and open descriptors of every component (its process group, by the PIDs in the stack's state) are
 * sampled before the load, periodically and at its end; what was lost is counted exactly: uploads not READY, chat
 * deliveries owed and not received, beacon events accepted and missing from ClickHouse. The baseline of each
 * component is itself at the end of the warm-up; the goal is no growth beyond noise and nothing lost.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient } from '../cli/lib/api-client.ts';
import { formatTable } from '../cli/lib/table.ts';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { openClickHouse } from '../origin/src/analytics/clickhouse.ts';
import { stackContext } from '../stack/component.ts';
import { localStack, stackStatePath } from '../stack/local-stack.ts';
import { provision } from '../stack/provision.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { loadNote } from './lib/machine.ts';
import { flagSetting, modeNote, quick } from './lib/options.ts';
import { median, resultHeaders, resultRows, toStored, writeResults, type BenchResult } from './lib/results.ts';
import { ChatLoad } from './lib/soak/chat-load.ts';
import { processFootprint, sampleGroups } from './lib/soak/process-groups.ts';
import { componentGrowth, componentHeaders, componentRows, loadSummary, processHeaders, processRows, type Sample } from './lib/soak/soak-report.ts';
import { Tally } from './lib/soak/tally.ts';
import { UploadLoad } from './lib/soak/upload-load.ts';
import { ViewerLoad } from './lib/soak/viewer-load.ts';
import { makeBenchClip, sleep } from './lib/transcode-bench.ts';

const minutes = flagSetting({ flag: 'minutes', env: 'BENCH_SOAK_MINUTES' }, { full: 30, quick: 2 });
const offset = Number(process.env.BENCH_SOAK_PORT_OFFSET ?? 3000);
const durationMs = minutes * 60_000;
const warmMs = Math.min(5 * 60_000, Math.max(30_000, 0.2 * durationMs));
const sampleEveryMs = Math.min(60_000, Math.max(10_000, durationMs / 30));
const load = {
  uploadEveryMs: 40_000,
  cutEvery: 3,
  poolSize: 6,
  viewers: 3,
  viewerPauseMs: 500,
  rooms: 2,
  clientsPerRoom: 4,
  chatEveryMs: 3_000,
  churnEveryMs: quick ? 30_000 : 60_000,
};
const say = (line: string) => process.stdout.write(`${line}\n`);
const runId = Date.now().toString(36);
const loadClient = 'load-client'; // this process: the load generator's own footprint, for comparison

const home = await mkdtemp(join(tmpdir(), 'vora-bench-soak-'));
const errors = new Tally();
say(`soak: ${minutes} min of mixed load on the local stack (ports +${offset}, data in ${home}); warm-up ${(warmMs / 1000).toFixed(0)} s, a sample every ${(sampleEveryMs / 1000).toFixed(0)} s`);
await provision((line) => (line.startsWith('✓') ? undefined : say(`  ${line}`)));
const ctx = stackContext(shiftedPorts(offset), await loadOrCreateSecrets(home, {}), home);
const runner = new StackRunner(localStack(ctx), ctx.logDir, {
  onStatus: (state) => {
    if (state.status === 'failed') {
      say(`  ${state.spec.name} FAILED: ${state.error?.split('\n')[0]}`);
      errors.add(`stack: ${state.spec.name} stopped`, state.error);
    }
  },
});

/** The PIDs of the stack's components as its state file records them (what `vora dev` writes and `vora doctor` reads). */
async function stackPids(): Promise<Record<string, number>> {
  const state = JSON.parse(await readFile(stackStatePath(ctx), 'utf8')) as { components: Array<{ name: string; pid: number }> };
  return Object.fromEntries(state.components.map((component) => [component.name, component.pid]));
}

try {
  const began = performance.now();
  await runner.start();
  await writeFile(stackStatePath(ctx), JSON.stringify({ pid: process.pid, ports: ctx.ports, components: [...runner.states.values()].map((s) => ({ name: s.spec.name, url: s.spec.url, pid: s.pid })) }, null, 2));
  say(`soak: all ${runner.states.size} components ready in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const pids = await stackPids();

  const clips = [join(home, 'standard.mp4'), join(home, 'hevc.mp4')];
  await makeBenchClip(clips[0]!, 6, 'standard', '640x360');
  await makeBenchClip(clips[1]!, 6, 'hevc', '640x360'); // not standard input: PLAYABLE through the progressive first rung
  const api = jsonClient({ baseUrl: `http://127.0.0.1:${ctx.ports.origin}`, token: ctx.secrets.apiToken, name: 'the origin', tokenHint: 'the soak stack\'s own secrets.json', timeoutMs: 15_000 });
  const edgeUrl = `http://127.0.0.1:${ctx.ports.edge}`;
  const uploads = new UploadLoad({ api, clips: await Promise.all(clips.map((clip) => readFile(clip))), errors, everyMs: load.uploadEveryMs, cutEvery: load.cutEvery, poolSize: load.poolSize, retireGraceMs: 30_000 });
  const viewers = new ViewerLoad({ api, edgeUrl, pool: () => uploads.pool, errors, sessionPrefix: `soak_${runId}_`, pauseMs: load.viewerPauseMs });
  const chat = new ChatLoad({ api, errors, rooms: Array.from({ length: load.rooms }, (_, i) => `soak-${runId}-${i}`), clientsPerRoom: load.clientsPerRoom, sendEveryMs: load.chatEveryMs, churnEveryMs: load.churnEveryMs });

  const loadStart = Date.now();
  const endAt = loadStart + durationMs;
  const sample = async (): Promise<Sample> => {
    const groups = await sampleGroups(pids);
    const self = await processFootprint(process.pid);
    groups[loadClient] = { processes: 1, rssKiB: self?.rssKiB ?? 0, fds: self?.fds ?? 0, excluded: 0 };
    return { at: Date.now() - loadStart, load: loadavg()[0]!, groups };
  };
  const samples: Sample[] = [await sample()];
  const sampler = async () => {
    for (let tick = 1; tick <= Math.ceil(durationMs / sampleEveryMs) + 1; tick += 1) {
      // The last sample is taken a second before the end, while the load still runs.
      const due = Math.min(loadStart + tick * sampleEveryMs, endAt - 1_000);
      await sleep(Math.max(0, due - Date.now()));
      samples.push(await sample());
      const minute = ((Date.now() - loadStart) / 60_000).toFixed(1);
      say(`  [${minute} min] uploads ${uploads.started} (READY ${uploads.readyTimesMs().length}), sessions ${viewers.sessions}, chat sent ${chat.ledger.account().sent}, beacon events ${viewers.beaconEvents}, errors ${errors.total()}, load ${loadavg()[0]!.toFixed(1)}`);
      if (due >= endAt - 1_000) return;
    }
  };

  await chat.start();
  await Promise.all([
    uploads.run(endAt, Math.ceil(durationMs / load.uploadEveryMs) + 1),
    uploads.follow(endAt),
    viewers.run(load.viewers, endAt, Math.ceil(durationMs / load.viewerPauseMs)),
    chat.run(endAt, Math.ceil(durationMs / (0.75 * load.chatEveryMs)) + 1),
    sampler(),
  ]);
  say('soak: load stopped; draining (uploads to READY ≤ 5 min, chat deliveries ≤ 20 s, beacons into ClickHouse ≤ 2 min)');
  await uploads.drain(5 * 60_000);
  await chat.drain(20_000);
  const clickhouse = openClickHouse(`http://127.0.0.1:${ctx.ports.clickhouseHttp}`);
  let stored = 0;
  const drainDeadline = Date.now() + 120_000;
  do {
    const result = await clickhouse.query({ query: `SELECT uniqExact(event_id) AS n FROM vora.playback_events WHERE session_id LIKE 'soak_${runId}_%'`, format: 'JSONEachRow' });
    stored = Number((await result.json<{ n: string }>())[0]?.n ?? 0);
    if (stored >= viewers.beaconEvents) break;
    await sleep(3_000);
  } while (Date.now() < drainDeadline);
  await clickhouse.close();
  const idle = await sample();
  // Every sample, for a closer look at a component's curve (kept with BENCH_KEEP_HOME=1).
  await writeFile(join(home, 'samples.json'), JSON.stringify({ warmMs, samples, idle }));

  // ── report ──
  const growth = componentGrowth(samples, idle, warmMs);
  const notReady = uploads.notReady();
  const chatAccount = chat.ledger.account();
  const lostBeacons = Math.max(0, viewers.beaconEvents - stored);
  const readyMs = uploads.readyTimesMs();
  const errorsOf = (prefix: string) => errors.entries().filter((e) => e.kind.startsWith(prefix)).reduce((sum, e) => sum + e.count, 0);
  const loads = loadSummary([...samples, idle]);
  say(`\nsoak: ${minutes} min, warm-up ${(warmMs / 60_000).toFixed(1)} min, ${samples.length} samples under load + 1 after the drain\n`);
  say(formatTable(componentHeaders, componentRows(growth)));
  say('');
  say(formatTable(processHeaders, processRows(samples, warmMs)));
  say('');
  say(formatTable(['load', 'done', 'errors', 'lost'], [
    ['uploads (TUS; every 3rd cut + resumed)', `${uploads.started} uploaded, ${uploads.cutsResumed} cut+resumed, ${readyMs.length} READY (median ${(median(readyMs) / 1000).toFixed(1)} s), ${uploads.deleted} deleted`, String(errorsOf('upload:')), `${notReady.length} not READY${notReady.length ? `: ${notReady.map((v) => `${v.id} ${v.state}`).join(', ')}` : ''}`],
    ['playback (edge playlists + node segments)', `${viewers.sessions} sessions, ${viewers.requests} requests, ${(viewers.bytes / 2 ** 20).toFixed(0)} MiB`, String(errorsOf('playback:')), '—'],
    ['chat (WebSocket rooms)', `${chatAccount.sent} sent, ${chatAccount.owed} deliveries owed, ${chat.joins} joins`, String(errorsOf('chat:')), `${chatAccount.lost} deliveries${chatAccount.examples.length ? ` (${chatAccount.examples.join('; ')})` : ''}`],
    ['beacons → ClickHouse', `${viewers.beaconEvents} events accepted (204), ${stored} rows`, String(errorsOf('beacon:')), `${lostBeacons} events`],
    ['stack', `${runner.states.size} components`, String(errorsOf('stack:')), '—'],
  ]));
  for (const entry of errors.entries()) say(`  error ×${entry.count} ${entry.kind}${entry.examples.length ? `: ${entry.examples.join(' | ')}` : ''}`);
  say(`\nload average (1 min) over the samples: min ${loads.min.toFixed(1)}, median ${loads.median.toFixed(1)}, max ${loads.max.toFixed(1)}; ${loadNote()}`);

  const note = (extra: string) => [extra, `${minutes} min`, modeNote].filter(Boolean).join('; ');
  const results: BenchResult[] = [
    ...growth.flatMap((c): BenchResult[] => [
      { name: `soak-rss-growth-${c.name}`, value: c.rss.lastHalfGrowth, unit: 'MiB', baseline: 'noise floor', baselineValue: c.rss.noise, better: 'lower', goal: { text: 'last-half growth ≤ noise', ratioAtMost: 1 }, notes: note(`RSS start ${c.rss.start.toFixed(0)} → warm ${c.rss.warm.toFixed(0)} → end ${c.rss.end.toFixed(0)} MiB (max ${c.rss.max.toFixed(0)}); ${c.rss.verdict}`) },
      { name: `soak-fds-growth-${c.name}`, value: c.fds.lastHalfGrowth, unit: 'fds', baseline: 'noise floor', baselineValue: c.fds.noise, better: 'lower', goal: { text: 'last-half growth ≤ noise', ratioAtMost: 1 }, notes: note(`fds start ${c.fds.start} → warm ${c.fds.warm} → end ${c.fds.end}, after the drain ${c.fdsIdle ?? '—'}; ${c.fds.verdict}`) },
    ]),
    { name: 'soak-errors', value: errors.total(), unit: 'errors', baseline: 'none', baselineValue: null, better: 'lower', goal: { valueAtMost: 0 }, notes: note(errors.entries().map((e) => `${e.kind} ×${e.count}`).join(', ')) },
    { name: 'soak-lost', value: notReady.length + chatAccount.lost + lostBeacons, unit: 'items', baseline: 'none', baselineValue: null, better: 'lower', goal: { valueAtMost: 0 }, notes: note(`uploads not READY ${notReady.length}/${uploads.started}, chat deliveries ${chatAccount.lost}/${chatAccount.owed}, beacon events ${lostBeacons}/${viewers.beaconEvents}`) },
  ];
  say(`\n${formatTable(resultHeaders, resultRows(results.map((r) => toStored('soak', r, ''))))}`);
  await writeResults('soak', results);
} finally {
  await runner.stop();
  if (process.env.BENCH_KEEP_HOME === '1') say(`soak: data and logs kept in ${home}`);
  else await rm(home, { recursive: true, force: true });
}
