import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../stack/paths.ts';

/** One figure of `bench/results/latest.json`, always beside the baseline it was measured against. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number | null;
  better: 'lower' | 'higher';
  goal: string;
  notes: string;
}

const resultsPath = join(repoRoot, 'bench', 'results', 'latest.json');

/** Merges this benchmark's figures into latest.json (other benchmarks' figures are kept). */
export async function writeResults(bench: string, results: BenchResult[]): Promise<void> {
  let previous: { results?: Array<BenchResult & { bench?: string }> } = {};
  try {
    previous = JSON.parse(await readFile(resultsPath, 'utf8'));
  } catch {
    /* first run */
  }
  const kept = (previous.results ?? []).filter((r) => r.bench !== bench);
  const withRatio = results.map((r) => ({ bench, ...r, ratio: r.baselineValue ? r.value / r.baselineValue : null }));
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, at: new Date().toISOString() };
  await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify({ machine, results: [...kept, ...withRatio] }, null, 2)}\n`);
}
