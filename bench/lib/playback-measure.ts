// Tiny benchmark harness: warm-up, then several timed rounds; the median round is reported.
import { quick } from './options.ts';

export interface Measurement {
  name: string;
  opsPerSecond: number;
  msPerOp: number;
}

export function measure(name: string, operation: () => unknown, options: { rounds?: number; roundMs?: number } = {}): Measurement {
  const rounds = options.rounds ?? (quick ? 3 : 7);
  const roundMs = options.roundMs ?? (quick ? 50 : 300);
  let sink: unknown;
  const warmUntil = performance.now() + roundMs;
  while (performance.now() < warmUntil) sink = operation();
  const perOp: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let count = 0;
    const start = performance.now();
    let now = start;
    while (now - start < roundMs) {
      sink = operation();
      count++;
      now = performance.now();
    }
    perOp.push((now - start) / count);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  perOp.sort((a, b) => a - b);
  const median = perOp[Math.floor(perOp.length / 2)]!;
  return { name, opsPerSecond: 1000 / median, msPerOp: median };
}

export function printTable(title: string, rows: Measurement[]): void {
  console.log(`\n${title}`);
  console.log(`${'case'.padEnd(52)} ${'ops/s'.padStart(12)} ${'ms/op'.padStart(10)}`);
  for (const row of rows) console.log(`${row.name.padEnd(52)} ${row.opsPerSecond.toFixed(0).padStart(12)} ${row.msPerOp.toFixed(4).padStart(10)}`);
}
