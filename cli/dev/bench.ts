import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readResults, resultHeaders, resultRows, resultsPath } from '../../bench/lib/results.ts';
import { repoRoot } from '../../stack/paths.ts';
import { formatTable } from '../lib/table.ts';

const benchDir = join(repoRoot, 'bench');

export interface BenchOptions {
  /** Every benchmark shrunk to seconds (BENCH_QUICK=1 in each benchmark's environment): a smoke check, not a measurement. */
  quick?: boolean;
  /** Flags for the benchmark scripts themselves (`--minutes 30`), passed on to each one named. */
  forwarded?: string[];
}

/** Benchmarks that run only when named: a 30-minute soak (or 10 minutes of edge or ClickHouse memory) does not belong in "every benchmark". */
export const namedOnly = ['soak', 'edge-memory', 'clickhouse-memory'];

/** `soak --minutes 2` → the names, and the flags from the first `--…` on (passed to the scripts). Pure. */
export function splitBenchArgs(tokens: string[]): { names: string[]; forwarded: string[] } {
  const firstFlag = tokens.findIndex((token) => token.startsWith('--'));
  return firstFlag === -1 ? { names: tokens, forwarded: [] } : { names: tokens.slice(0, firstFlag), forwarded: tokens.slice(firstFlag) };
}

/** The benchmarks: every `bench/NAME.ts` (their helpers, servers and workers sit in `bench/lib/`, `servers/`, `workers/`). */
export async function benchNames(): Promise<string[]> {
  return (await readdir(benchDir)).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3)).sort();
}

/** `npm run bench [-- NAME…]`: runs each `bench/NAME.ts` (all when none named), one after another, then prints this run's figures. */
export async function benchCommand(names: string[], options: BenchOptions = {}): Promise<number> {
  const available = await benchNames();
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0) throw new Error(`no benchmark ${unknown.join(', ')}: choose from ${available.join(', ')}`);
  const quick = Boolean(options.quick) || process.env.BENCH_QUICK === '1';
  const startedAt = new Date().toISOString();
  const failed: string[] = [];
  for (const name of names.length > 0 ? names : available.filter((bench) => !namedOnly.includes(bench))) {
    process.stdout.write(`\n== bench ${name}${quick ? ' (quick)' : ''}\n`);
    const began = Date.now();
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.ts`), ...(options.forwarded ?? [])], {
        cwd: repoRoot,
        stdio: 'inherit',
        env: { ...process.env, ...(quick ? { BENCH_QUICK: '1' } : {}) },
      });
      child.on('close', (exit) => resolve(exit ?? 1));
    });
    process.stdout.write(`== bench ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
    if (code !== 0) failed.push(name);
  }
  const { results } = await readResults();
  const fresh = results.filter((row) => row.at >= startedAt);
  process.stdout.write(`\n${formatTable(resultHeaders, resultRows(fresh))}\n\n${fresh.length} figures written to ${resultsPath}${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}\n`);
  return failed.length === 0 ? 0 : 1;
}

/** Registers `vora bench [names…] [--quick]`. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .argument('[names...]', `benchmarks to run (files in bench/); all but ${namedOnly.join(', ')} when none; flags after the names (--minutes 2) go to the scripts`)
    .option('--quick', 'shrink every benchmark to seconds: a smoke check, not a measurement (same as BENCH_QUICK=1)')
    .allowUnknownOption()
    .description('run the benchmarks, each against its baseline in the same run (npm run bench)')
    .action(async (tokens: string[], options: BenchOptions) => {
      const { names, forwarded } = splitBenchArgs(tokens);
      process.exitCode = await benchCommand(names, { ...options, forwarded });
    });
}
