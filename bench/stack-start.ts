/**
 * Time for the whole local stack to reach all-green, and its peak memory.
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

/** The baseline: each component waits for the one before it. */
function oneAtATime(specs: ComponentSpec[]): ComponentSpec[] {
  return specs.map((spec, i) => ({ ...spec, dependsOn: i === 0 ? [] : [specs[i - 1]!.name] }));
}

async function startOnce(home: string, sequential: boolean): Promise<{ seconds: number; peakMib: number }> {
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
    // Settle for a few seconds: JVMs and workerd grow after their first requests.
    for (let i = 0; i < 10; i += 1) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { seconds, peakMib: peakKib / 1024 };
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
  const results: BenchResult[] = [
    ...(warm && sequential ? [{ name: 'stack-start-warm', value: warm.seconds, unit: 's', baseline: 'same components one at a time', baselineValue: sequential.seconds, better: 'lower' as const, goal: { ratioAtMost: 1 }, notes: note('restart on existing data; all-green') }] : []),
    { name: 'stack-start-first', value: cold.seconds, unit: 's', baseline: 'warm restart', baselineValue: warm?.seconds ?? null, better: 'lower', goal: {}, notes: note('empty data dir: Kafka format, buckets, topics, DB migrations') },
    { name: 'stack-peak-memory', value: Math.max(cold.peakMib, warm?.peakMib ?? 0), unit: 'MiB', baseline: 'none', baselineValue: null, better: 'lower', goal: { text: 'fits a laptop' }, notes: note('sum of resident memory of every process of the stack') },
  ];
  console.log(formatTable(resultHeaders, resultRows(results.map((r) => toStored('stack-start', r, '')))));
  await writeResults('stack-start', results);
} finally {
  await rm(home, { recursive: true, force: true });
}
