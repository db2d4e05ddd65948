/**
 * Time for the whole local stack to reach all-green, its peak memory, and each component's memory once idle.
 * Compared in one run:
 * - a first start on empty data with the origin's DB copied from the migrated PGlite template (as `npm start` does)
 *   against the same first start with the DB made in place (`VORA_PGLITE_TEMPLATES=off`: initdb in a throwaway
 *   process, the migrations in the origin, as before issue 23's template), alternating sides, ROUNDS rounds each;
 * - the runner's dependency waves against a baseline that starts the same components one at a time (warm restarts);
 * - the first start against a warm restart on the same data.
 * Memory is RSS and PSS (`/proc/PID/smaps_rollup`) of every process of each component's process group.
 * `--quick`: one round, no warm restarts.   node --import tsx bench/stack-start.ts [rounds=3]  (or BENCH_STACK_START_ROUNDS)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { ensurePgliteTemplate } from '../origin/src/db/pglite-template.ts';
import { type ComponentSpec, stackContext } from '../stack/component.ts';
import { pgliteTemplatesDir } from '../stack/components/origin.ts';
import { localStack } from '../stack/local-stack.ts';
import { groupMemoryKib } from '../stack/memory.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { StackRunner } from '../stack/runner.ts';
import { formatTable } from '../cli/lib/table.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { median, resultHeaders, resultRows, toStored, writeResults, type BenchResult } from './lib/results.ts';

const offset = 20_000;
/** Issue 23's goals: the origin idle and the whole stack at its peak (start included). */
const ORIGIN_IDLE_GOAL_MIB = 350;
const STACK_PEAK_GOAL_MIB = 2048;
/** After all-green: JVMs and workerd grow after their first requests, the origin's background work starts. */
const SETTLE_MS = 30_000;
const ROUNDS = numberSetting({ env: 'BENCH_STACK_START_ROUNDS', position: 0 }, { full: 3, quick: 1 });

/** How a fresh origin DB is made: copied from the migrated template, or initdb + migrations in place (the baseline). */
type DbSide = 'template' | 'in-place';

/** The baseline: each component waits for the one before it. */
function oneAtATime(specs: ComponentSpec[]): ComponentSpec[] {
  return specs.map((spec, i) => ({ ...spec, dependsOn: i === 0 ? [] : [specs[i - 1]!.name] }));
}

function withDbSide(specs: ComponentSpec[], side: DbSide): ComponentSpec[] {
  if (side === 'template') return specs;
  return specs.map((spec) => spec.name !== 'origin' ? spec : {
    ...spec,
    async command() {
      const command = await spec.command();
      return { ...command, env: { ...command.env, VORA_PGLITE_TEMPLATES: 'off' } };
    },
  });
}

interface Mib {
  rss: number;
  pss: number;
}

interface StartMeasure {
  seconds: number;
  /** Whole stack, highest sample from the start to the end of the settle (RSS and PSS peak separately). */
  peak: Mib;
  /** The origin's process group (its throwaway initdb included), highest sample. */
  originPeak: Mib;
  /** Each component's process group after the settle (MiB), median of 5 samples. */
  idle: Map<string, Mib>;
}

const mib = (kib: number) => kib / 1024;

async function startOnce(home: string, options: { sequential: boolean; side: DbSide }): Promise<StartMeasure> {
  const ctx = stackContext(shiftedPorts(offset), await loadOrCreateSecrets(home), home);
  const specs = withDbSide(localStack(ctx), options.side);
  const runner = new StackRunner(options.sequential ? oneAtATime(specs) : specs, ctx.logDir);
  const started = performance.now();
  const peak = { rss: 0, pss: 0 };
  const originPeak = { rss: 0, pss: 0 };
  const sample = async () => {
    const groups = await groupMemoryKib(runner.pids());
    const all = [...groups.values()];
    peak.rss = Math.max(peak.rss, mib(all.reduce((sum, group) => sum + group.rssKib, 0)));
    peak.pss = Math.max(peak.pss, mib(all.reduce((sum, group) => sum + group.pssKib, 0)));
    const origin = groups.get(runner.states.get('origin')?.pid ?? -1);
    if (origin) {
      originPeak.rss = Math.max(originPeak.rss, mib(origin.rssKib));
      originPeak.pss = Math.max(originPeak.pss, mib(origin.pssKib));
    }
  };
  const sampler = setInterval(() => void sample().catch(() => undefined), 500);
  try {
    await runner.start();
    const seconds = (performance.now() - started) / 1000;
    const settleUntil = Date.now() + SETTLE_MS;
    while (Date.now() < settleUntil) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const idleSamples = new Map<string, Mib[]>();
    for (let i = 0; i < 5; i += 1) {
      const groups = await groupMemoryKib(runner.pids());
      for (const [name, state] of runner.states) {
        const group = groups.get(state.pid!) ?? { rssKib: 0, pssKib: 0 };
        idleSamples.set(name, [...(idleSamples.get(name) ?? []), { rss: mib(group.rssKib), pss: mib(group.pssKib) }]);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const idle = new Map([...idleSamples].map(([name, values]) => [name, { rss: median(values.map((v) => v.rss)), pss: median(values.map((v) => v.pss)) }]));
    return { seconds, peak, originPeak, idle };
  } finally {
    clearInterval(sampler);
    await runner.stop();
  }
}

const sum = (values: Iterable<Mib>) => [...values].reduce((total, value) => ({ rss: total.rss + value.rss, pss: total.pss + value.pss }), { rss: 0, pss: 0 });
const fmt = (value: number) => value.toFixed(0);
const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

// One-time cost, per machine and migration set: timed on a throwaway templates dir; then the real one is made if missing.
const scratch = await mkdtemp(join(tmpdir(), 'vora-bench-pglite-template-'));
const templateStarted = performance.now();
await ensurePgliteTemplate(scratch).finally(() => rm(scratch, { recursive: true, force: true }));
const templateSeconds = (performance.now() - templateStarted) / 1000;
await ensurePgliteTemplate(pgliteTemplatesDir);

const first: Record<DbSide, StartMeasure[]> = { template: [], 'in-place': [] };
let keptHome: string | undefined;
const homes: string[] = [];
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    const sides: DbSide[] = round % 2 === 0 ? ['template', 'in-place'] : ['in-place', 'template'];
    for (const side of sides) {
      const home = await mkdtemp(join(tmpdir(), 'vora-bench-stack-'));
      homes.push(home);
      const measure = await startOnce(home, { sequential: false, side });
      first[side].push(measure);
      console.log(`round ${round + 1} ${side.padEnd(8)}: first start ${measure.seconds.toFixed(1)} s, stack peak RSS ${fmt(measure.peak.rss)} / PSS ${fmt(measure.peak.pss)} MiB, origin peak RSS ${fmt(measure.originPeak.rss)} / PSS ${fmt(measure.originPeak.pss)}, origin idle RSS ${fmt(measure.idle.get('origin')!.rss)} / PSS ${fmt(measure.idle.get('origin')!.pss)} (load ${load()})`);
      if (side === 'template') keptHome = home;
      else await rm(home, { recursive: true, force: true });
    }
  }
  // Warm restarts on data a template-side first start made: waves, then one at a time.
  const warm = quick ? null : await startOnce(keptHome!, { sequential: false, side: 'template' });
  const sequential = quick ? null : await startOnce(keptHome!, { sequential: true, side: 'template' });

  const medianOf = (side: DbSide, pick: (m: StartMeasure) => number) => median(first[side].map(pick));
  const perRound = (side: DbSide, pick: (m: StartMeasure) => number) => first[side].map((m) => fmt(pick(m))).join('/');
  const stat = (pick: (m: StartMeasure) => number) => ({ template: medianOf('template', pick), inPlace: medianOf('in-place', pick), rounds: `template ${perRound('template', pick)}, in place ${perRound('in-place', pick)}` });
  const stackPeak = stat((m) => m.peak.rss);
  const stackPeakPss = stat((m) => m.peak.pss);
  const originPeak = stat((m) => m.originPeak.rss);
  const originPeakPss = stat((m) => m.originPeak.pss);
  const originIdle = stat((m) => m.idle.get('origin')!.rss);
  const originIdlePss = stat((m) => m.idle.get('origin')!.pss);
  const firstSeconds = stat((m) => m.seconds);

  const lastTemplate = first.template.at(-1)!;
  const idleTable = (warm ?? lastTemplate).idle;
  console.log(`\nmemory ${SETTLE_MS / 1000} s after all-green (${warm ? 'warm restart' : 'first start'}), MiB RSS / PSS:`);
  for (const [name, value] of idleTable) console.log(`  ${name.padEnd(12)} ${fmt(value.rss).padStart(5)} ${fmt(value.pss).padStart(5)}`);
  const idleTotal = sum(idleTable.values());
  console.log(`  ${'total'.padEnd(12)} ${fmt(idleTotal.rss).padStart(5)} ${fmt(idleTotal.pss).padStart(5)}`);
  const idleNote = [...idleTable].map(([name, value]) => `${name} ${fmt(value.rss)}`).join(', ');
  // writeResults adds the run's load average.
  const runNote = `${ROUNDS} round(s) per side, sides alternated, medians`;
  const note = (extra: string) => [extra, runNote, modeNote].filter(Boolean).join('; ');
  const inPlace = 'same first start, DB made in place (initdb child + migrations in the origin)';

  const results: BenchResult[] = [
    ...(warm && sequential ? [{ name: 'stack-start-warm', value: warm.seconds, unit: 's', baseline: 'same components one at a time', baselineValue: sequential.seconds, better: 'lower' as const, goal: { ratioAtMost: 1 }, notes: note('restart on existing data; all-green') }] : []),
    { name: 'stack-start-first', value: firstSeconds.template, unit: 's', baseline: inPlace, baselineValue: firstSeconds.inPlace, better: 'lower', goal: {}, notes: note(`empty data dir: Kafka format, buckets, topics, origin DB; rounds ${firstSeconds.rounds} s; warm restart ${warm ? warm.seconds.toFixed(1) : '—'} s; making the PGlite template (once per machine and migration set) ${templateSeconds.toFixed(1)} s`) },
    { name: 'stack-peak-memory', value: stackPeak.template, unit: 'MiB', baseline: inPlace, baselineValue: stackPeak.inPlace, better: 'lower', goal: { valueAtMost: STACK_PEAK_GOAL_MIB }, notes: note(`sum of RSS of every process of the stack, sampled every 500 ms from the first start to ${SETTLE_MS / 1000} s after all-green; rounds ${stackPeak.rounds}; warm restart ${warm ? fmt(warm.peak.rss) : '—'}; idle by component (warm): ${idleNote}`) },
    { name: 'stack-peak-pss', value: stackPeakPss.template, unit: 'MiB', baseline: inPlace, baselineValue: stackPeakPss.inPlace, better: 'lower', goal: {}, notes: note(`as stack-peak-memory, PSS (shared pages split, not double-counted); rounds ${stackPeakPss.rounds}`) },
    { name: 'origin-peak-memory', value: originPeak.template, unit: 'MiB', baseline: inPlace, baselineValue: originPeak.inPlace, better: 'lower', goal: {}, notes: note(`the origin's process group (a throwaway initdb included), highest 500 ms RSS sample, first start; rounds ${originPeak.rounds}; PSS ${fmt(originPeakPss.template)} vs ${fmt(originPeakPss.inPlace)}`) },
    { name: 'origin-idle-memory', value: originIdle.template, unit: 'MiB', baseline: inPlace, baselineValue: originIdle.inPlace, better: 'lower', goal: { valueAtMost: ORIGIN_IDLE_GOAL_MIB }, notes: note(`the origin's process group ${SETTLE_MS / 1000} s after all-green of a first start, median of 5 RSS samples; rounds ${originIdle.rounds}; PSS ${fmt(originIdlePss.template)} vs ${fmt(originIdlePss.inPlace)}; warm restart ${warm ? fmt(warm.idle.get('origin')!.rss) : '—'}`) },
  ];
  console.log(formatTable(resultHeaders, resultRows(results.map((r) => toStored('stack-start', r, '')))));
  await writeResults('stack-start', results);
} finally {
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
}
