/**
 * Time for the whole local stack to reach all-green, its peak memory, and each component's resident memory once idle.
 * Compared in one run: the runner's dependency waves against a baseline that starts the same
 * components one at a time; a first start on empty data against a warm restart on the same data.
 * One start each (each is a minute of JVMs and servers); `--quick` does the first start only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { type ComponentSpec, stackContext } from '../stack/component.ts';
import { localStack } from '../stack/local-stack.ts';
import { groupRssKib } from '../stack/memory.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { StackRunner } from '../stack/runner.ts';
import { formatTable } from '../cli/lib/table.ts';
import { modeNote, quick } from './lib/options.ts';
import { resultHeaders, resultRows, toStored, writeResults, type BenchResult } from './lib/results.ts';

const offset = 20_000;
/** Issue 23's goals: the origin idle and the whole stack at its peak (start included). */
const ORIGIN_IDLE_GOAL_MIB = 350;
const STACK_PEAK_GOAL_MIB = 2048;
/** After all-green: JVMs and workerd grow after their first requests, the origin's background work starts. */
const SETTLE_MS = 30_000;

/** The baseline: each component waits for the one before it. */
function oneAtATime(specs: ComponentSpec[]): ComponentSpec[] {
  return specs.map((spec, i) => ({ ...spec, dependsOn: i === 0 ? [] : [specs[i - 1]!.name] }));
}

interface StartMeasure {
  seconds: number;
  peakMib: number;
  /** Resident memory of each component's process group after the settle (MiB), median of its samples. */
  idleMib: Map<string, number>;
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function startOnce(home: string, sequential: boolean): Promise<StartMeasure> {
  const ctx = stackContext(shiftedPorts(offset), await loadOrCreateSecrets(home), home);
  const specs = localStack(ctx);
  const runner = new StackRunner(sequential ? oneAtATime(specs) : specs, ctx.logDir);
  const started = performance.now();
  let peakKib = 0;
  const sample = async () => {
    const rss = await groupRssKib(runner.pids());
    peakKib = Math.max(peakKib, [...rss.values()].reduce((a, b) => a + b, 0));
  };
  const sampler = setInterval(() => void sample(), 500);
  try {
    await runner.start();
    const seconds = (performance.now() - started) / 1000;
    const settleUntil = Date.now() + SETTLE_MS;
    while (Date.now() < settleUntil) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const idleSamples = new Map<string, number[]>();
    for (let i = 0; i < 5; i += 1) {
      const rss = await groupRssKib(runner.pids());
      for (const [name, state] of runner.states) idleSamples.set(name, [...(idleSamples.get(name) ?? []), (rss.get(state.pid!) ?? 0) / 1024]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return { seconds, peakMib: peakKib / 1024, idleMib: new Map([...idleSamples].map(([name, values]) => [name, medianOf(values)])) };
  } finally {
    clearInterval(sampler);
    await runner.stop();
  }
}

const home = await mkdtemp(join(tmpdir(), 'vora-bench-stack-'));
try {
  const cold = await startOnce(home, false);
  const warm = quick ? null : await startOnce(home, false);
  const sequential = quick ? null : await startOnce(home, true);
  const note = (extra: string) => [extra, modeNote].filter(Boolean).join('; ');
  const idle = (warm ?? cold).idleMib;
  const idleTotal = [...idle.values()].reduce((a, b) => a + b, 0);
  console.log(`\nresident memory ${SETTLE_MS / 1000} s after all-green (${warm ? 'warm restart' : 'first start'}), MiB:`);
  for (const [name, mib] of idle) console.log(`  ${name.padEnd(12)} ${mib.toFixed(0).padStart(5)}`);
  console.log(`  ${'total'.padEnd(12)} ${idleTotal.toFixed(0).padStart(5)}`);
  const idleNote = [...idle].map(([name, mib]) => `${name} ${mib.toFixed(0)}`).join(', ');
  const results: BenchResult[] = [
    ...(warm && sequential ? [{ name: 'stack-start-warm', value: warm.seconds, unit: 's', baseline: 'same components one at a time', baselineValue: sequential.seconds, better: 'lower' as const, goal: { ratioAtMost: 1 }, notes: note('restart on existing data; all-green') }] : []),
    { name: 'stack-start-first', value: cold.seconds, unit: 's', baseline: 'warm restart', baselineValue: warm?.seconds ?? null, better: 'lower', goal: {}, notes: note('empty data dir: Kafka format, buckets, topics, DB migrations') },
    { name: 'stack-peak-memory', value: Math.max(cold.peakMib, warm?.peakMib ?? 0), unit: 'MiB', baseline: 'the same stack idle', baselineValue: idleTotal, better: 'lower', goal: { valueAtMost: STACK_PEAK_GOAL_MIB }, notes: note(`sum of resident memory of every process of the stack, sampled every 500 ms from the first start to ${SETTLE_MS / 1000} s after all-green, first start and warm restart; idle by component (MiB): ${idleNote}`) },
    { name: 'origin-idle-memory', value: idle.get('origin') ?? 0, unit: 'MiB', baseline: 'none', baselineValue: null, better: 'lower', goal: { valueAtMost: ORIGIN_IDLE_GOAL_MIB }, notes: note(`the origin's process group ${SETTLE_MS / 1000} s after all-green (${warm ? 'warm restart' : 'first start'}), median of 5 samples`) },
  ];
  console.log(formatTable(resultHeaders, resultRows(results.map((r) => toStored('stack-start', r, '')))));
  await writeResults('stack-start', results);
} finally {
  await rm(home, { recursive: true, force: true });
}
