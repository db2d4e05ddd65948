// The shape of bench/results/latest.json and the pure rules that fill it; writeResults is the only I/O.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../stack/paths.ts';
import { describeMachine, loadNote, type Machine } from './machine.ts';

/** What a benchmark aims at: checked against the value and/or the value ÷ baseline ratio. */
export interface Goal {
  /** Said in words when the numbers alone would not (e.g. "≥ 1.3× faster"). */
  text?: string;
  ratioAtLeast?: number;
  ratioAtMost?: number;
  valueAtLeast?: number;
  valueAtMost?: number;
}

/** One figure as a benchmark reports it, always beside the baseline measured in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number | null;
  better: 'lower' | 'higher';
  goal: Goal;
  notes: string;
}

/** One row of latest.json: the figure, its ratio to the baseline, the goal in words and whether it was met. */
export interface StoredResult {
  bench: string;
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number | null;
  ratio: number | null;
  better: 'lower' | 'higher';
  goal: string;
  goalMet: boolean | null;
  notes: string;
  at: string;
}

export interface ResultsFile {
  machine: Machine | null;
  results: StoredResult[];
}

export const resultsPath = join(repoRoot, 'bench', 'results', 'latest.json');

const rounded = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

/** value ÷ baseline; null when there is no usable baseline (none, zero, or not a number). */
export function ratioOf(value: number, baselineValue: number | null): number | null {
  if (baselineValue === null || baselineValue === 0 || !Number.isFinite(baselineValue) || !Number.isFinite(value)) return null;
  return value / baselineValue;
}

/** True/false against every numeric target of the goal; null when the goal has none. A missing ratio fails a ratio target. */
export function goalMet(goal: Goal, value: number, ratio: number | null): boolean | null {
  const checks: boolean[] = [];
  if (goal.ratioAtLeast !== undefined) checks.push(ratio !== null && ratio >= goal.ratioAtLeast);
  if (goal.ratioAtMost !== undefined) checks.push(ratio !== null && ratio <= goal.ratioAtMost);
  if (goal.valueAtLeast !== undefined) checks.push(Number.isFinite(value) && value >= goal.valueAtLeast);
  if (goal.valueAtMost !== undefined) checks.push(Number.isFinite(value) && value <= goal.valueAtMost);
  return checks.length === 0 ? null : checks.every(Boolean);
}

/** The goal in words: its text, else its targets ("ratio ≥ 0.7×; ≤ 50 ms"); "n/a" when there is none. */
export function describeGoal(goal: Goal, unit: string): string {
  if (goal.text) return goal.text;
  const parts = [
    goal.ratioAtLeast !== undefined ? `ratio ≥ ${goal.ratioAtLeast}×` : '',
    goal.ratioAtMost !== undefined ? `ratio ≤ ${goal.ratioAtMost}×` : '',
    goal.valueAtLeast !== undefined ? `≥ ${goal.valueAtLeast} ${unit}` : '',
    goal.valueAtMost !== undefined ? `≤ ${goal.valueAtMost} ${unit}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'n/a';
}

export function toStored(bench: string, result: BenchResult, at: string, extraNote = ''): StoredResult {
  const ratio = ratioOf(result.value, result.baselineValue);
  const notes = [result.notes, extraNote].filter(Boolean).join('; ');
  return {
    bench,
    name: result.name,
    value: rounded(result.value),
    unit: result.unit,
    baseline: result.baseline,
    baselineValue: result.baselineValue === null ? null : rounded(result.baselineValue),
    ratio: ratio === null ? null : rounded(ratio),
    better: result.better,
    goal: describeGoal(result.goal, result.unit),
    goalMet: goalMet(result.goal, result.value, ratio),
    notes,
    at,
  };
}

/** This benchmark's rows replace its previous ones; every other benchmark's rows are kept in their order. */
export function mergeResults(previous: unknown, bench: string, rows: StoredResult[]): StoredResult[] {
  const old = (previous as Partial<ResultsFile> | null)?.results;
  const kept = Array.isArray(old) ? old.filter((row) => row && typeof row === 'object' && row.bench !== bench) : [];
  return [...kept, ...rows];
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const figure = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));
const verdict = (met: boolean | null) => (met === null ? '—' : met ? 'yes' : 'NO');

/** Rows for cli/lib/table.ts formatTable (or a Markdown table): name, value, baseline, ratio, goal, met. */
export function resultRows(rows: StoredResult[]): string[][] {
  return rows.map((r) => [r.name, `${figure(r.value)} ${r.unit}`, r.baseline, r.baselineValue === null ? '—' : `${figure(r.baselineValue)} ${r.unit}`, r.ratio === null ? '—' : `${figure(r.ratio)}×`, r.goal, verdict(r.goalMet)]);
}
export const resultHeaders = ['name', 'value', 'baseline', 'baseline value', 'ratio', 'goal', 'met'];

export function markdownTable(rows: StoredResult[]): string {
  const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(resultHeaders), line(resultHeaders.map(() => '---')), ...resultRows(rows).map(line)].join('\n');
}

export async function readResults(path = resultsPath): Promise<ResultsFile> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<ResultsFile>;
    return { machine: parsed.machine ?? null, results: Array.isArray(parsed.results) ? parsed.results : [] };
  } catch {
    return { machine: null, results: [] };
  }
}

/** Merges this benchmark's figures into latest.json (other benchmarks' figures are kept) with the machine and its load. */
export async function writeResults(bench: string, results: BenchResult[], path = resultsPath): Promise<StoredResult[]> {
  const at = new Date().toISOString();
  const note = loadNote();
  const rows = results.map((result) => toStored(bench, result, at, note));
  const previous = await readResults(path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify({ machine: await describeMachine(), results: mergeResults(previous, bench, rows) }, null, 2)}\n`);
  return rows;
}
