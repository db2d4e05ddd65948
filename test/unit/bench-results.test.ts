import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeGoal, goalMet, markdownTable, median, mergeResults, percentile, ratioOf, toStored, writeResults, type BenchResult } from '../../bench/lib/results.ts';

const figure = (overrides: Partial<BenchResult> = {}): BenchResult => ({
  name: 'edge-playlist-rps', value: 700, unit: 'req/s', baseline: 'cached, untouched', baselineValue: 1000, better: 'higher', goal: { ratioAtLeast: 0.7 }, notes: '', ...overrides,
});

describe('bench results', () => {
  it('divides the value by the baseline, and has no ratio without a usable baseline', () => {
    expect(ratioOf(700, 1000)).toBeCloseTo(0.7);
    expect(ratioOf(5, null)).toBeNull();
    expect(ratioOf(5, 0)).toBeNull();
    expect(ratioOf(Number.NaN, 3)).toBeNull();
  });

  it('checks every numeric target of a goal, and says null when there is none', () => {
    expect(goalMet({ ratioAtLeast: 0.7 }, 700, 0.7)).toBe(true);
    expect(goalMet({ ratioAtLeast: 0.7 }, 699, 0.699)).toBe(false);
    expect(goalMet({ ratioAtMost: 1.15, valueAtMost: 100 }, 120, 1.1)).toBe(false);
    expect(goalMet({ ratioAtLeast: 0.5 }, 10, null)).toBe(false);
    expect(goalMet({ text: 'fits a laptop' }, 10, null)).toBeNull();
  });

  it('describes a goal by its text, else by its targets', () => {
    expect(describeGoal({ ratioAtLeast: 0.7, valueAtMost: 50 }, 'ms')).toBe('ratio ≥ 0.7×; ≤ 50 ms');
    expect(describeGoal({ text: '≥ 1.3× faster', ratioAtMost: 0.77 }, 'ms')).toBe('≥ 1.3× faster');
    expect(describeGoal({}, 'ms')).toBe('n/a');
  });

  it('stores a figure with its ratio, goal in words, verdict and the extra note', () => {
    const row = toStored('edge', figure({ notes: '16 loops' }), '2026-01-01T00:00:00.000Z', 'load 1-min 1.0→2.0 on 2 cores');
    expect(row).toMatchObject({ bench: 'edge', ratio: 0.7, goal: 'ratio ≥ 0.7×', goalMet: true, notes: '16 loops; load 1-min 1.0→2.0 on 2 cores' });
  });

  it('replaces only the rows of the benchmark that ran', () => {
    const old = toStored('a', figure({ name: 'a1' }), 't0');
    const stale = toStored('b', figure({ name: 'b-old' }), 't0');
    const fresh = toStored('b', figure({ name: 'b-new' }), 't1');
    expect(mergeResults({ results: [old, stale] }, 'b', [fresh]).map((r) => r.name)).toEqual(['a1', 'b-new']);
    expect(mergeResults(null, 'b', [fresh])).toEqual([fresh]);
    expect(mergeResults({ results: 'garbage' }, 'b', [fresh])).toEqual([fresh]);
  });

  it('takes medians and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile([], 99)).toBeNaN();
  });

  it('renders a Markdown row per result with the verdict', () => {
    const table = markdownTable([toStored('x', figure({ value: 500, baseline: 'a | b' }), 't')]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toContain('a \\| b');
    expect(table).toMatch(/\| NO \|$/);
  });
});

describe('writeResults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges into the file and records the machine', async () => {
    const path = join(dir, 'results', 'latest.json');
    await writeResults('a', [figure({ name: 'a1' })], path);
    await writeResults('b', [figure({ name: 'b1' })], path);
    await writeResults('a', [figure({ name: 'a2' })], path);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file.results.map((r: { name: string }) => r.name)).toEqual(['b1', 'a2']);
    expect(file.machine.cores).toBeGreaterThan(0);
    expect(file.results[0].notes).toMatch(/load 1-min/);
  });
});
