/** Counts by kind, with the first few examples of each, so a report says what went wrong and not only how often. */
export class Tally {
  private readonly counts = new Map<string, { count: number; examples: string[] }>();

  constructor(private readonly examplesKept = 3) {}

  add(kind: string, example?: string, count = 1): void {
    const entry = this.counts.get(kind) ?? { count: 0, examples: [] };
    entry.count += count;
    if (example && entry.examples.length < this.examplesKept) entry.examples.push(example.slice(0, 200));
    this.counts.set(kind, entry);
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, entry) => sum + entry.count, 0);
  }

  /** Kinds by count, most frequent first. */
  entries(): Array<{ kind: string; count: number; examples: string[] }> {
    return [...this.counts.entries()].map(([kind, entry]) => ({ kind, ...entry })).sort((a, b) => b.count - a.count);
  }
}
