// The machine a run happened on, and how busy it was: figures only compare within one machine and one run.
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { run } from '../../stack/exec.ts';
import { repoRoot } from '../../stack/paths.ts';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  wrangler: string | null;
  ffmpeg: string | null;
  loadAverage: [number, number, number];
  at: string;
}

// Taken when the benchmark process starts, so a result can say how loaded the machine was before and after.
const loadAtStart = loadavg()[0]!;

/** "load 1-min 3.2→5.1 on 2 cores": other work on a shared machine skews every figure, so each result carries it. */
export function loadNote(start = loadAtStart, end = loadavg()[0]!, cores = availableParallelism()): string {
  return `load 1-min ${start.toFixed(1)}→${end.toFixed(1)} on ${cores} cores`;
}

async function firstLine(work: () => Promise<string>): Promise<string | null> {
  try {
    return (await work()).split('\n')[0]!.trim() || null;
  } catch {
    return null;
  }
}

export async function describeMachine(): Promise<Machine> {
  const [a, b, c] = loadavg() as [number, number, number];
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    wrangler: await firstLine(async () => (JSON.parse(await readFile(join(repoRoot, 'node_modules/wrangler/package.json'), 'utf8')) as { version: string }).version),
    ffmpeg: await firstLine(async () => (await run('ffmpeg', ['-hide_banner', '-version'])).replace(/^ffmpeg version (\S+).*/s, '$1')),
    loadAverage: [a, b, c].map((x) => Number(x.toFixed(2))) as [number, number, number],
    at: new Date().toISOString(),
  };
}
