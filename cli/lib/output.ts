import { formatTable } from './table.ts';

/** Machine output: one JSON document on stdout (progress and notes go to stderr, so pipes stay clean). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Notes for people that must not mix with the command's output. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A table, or a sentence when there is nothing to list. */
export function printTable(headers: string[], rows: string[][], empty: string): void {
  printLine(rows.length === 0 ? empty : formatTable(headers, rows));
}
