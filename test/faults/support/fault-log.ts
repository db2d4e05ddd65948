/** Small tools every fault file shares: signals to a component's process group, timed requests, seeded randomness, the result table. */

/** Signals the whole process group a component leads (negative PID), by PID only. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) throw new Error(`no PID recorded for this component: is it in stack.json?`);
  process.kill(-pid, signal);
}

export { seededRandom } from '../../support/seeded-random.ts';

export interface TimedResponse {
  /** HTTP status, or 0 when the request failed or hit the client's bound. */
  status: number;
  ms: number;
  error?: string;
}

/** One GET with a hard client bound (the bound is the "hung" verdict, so it sits above any assertion). */
export async function timedGet(url: string, boundMs = 15_000, init: RequestInit = {}): Promise<TimedResponse> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(boundMs) });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, error: (error as Error).message };
  }
}

export interface FaultRow {
  fault: string;
  trials: number;
  passed: number;
  /** Worst time from the fault's end (or its injection, for input) to the next good answer, ms; null when not applicable. */
  worstRecoveryMs: number | null;
  /** Bytes or objects lost or corrupted; must be 0. */
  dataLost: number;
  note?: string;
}

/** Collects one row per fault and prints them as a table when the file ends. */
export class FaultTable {
  private readonly rows: FaultRow[] = [];

  constructor(private readonly title: string) {}

  record(row: FaultRow): void {
    this.rows.push(row);
  }

  /** Records a fault case run by `body`; the row says failed (0 passed) if `body` throws, and the error is rethrown. */
  async trial(fault: string, body: () => Promise<Omit<FaultRow, 'fault'>>): Promise<void> {
    try {
      this.record({ fault, ...(await body()) });
    } catch (error) {
      this.record({ fault, trials: 1, passed: 0, worstRecoveryMs: null, dataLost: 0, note: (error as Error).message.split('\n')[0]!.slice(0, 80) });
      throw error;
    }
  }

  render(): string {
    const header = ['fault', 'trials', 'passed', 'worst recovery', 'data lost', 'note'];
    const cells = this.rows.map((row) => [
      row.fault,
      String(row.trials),
      String(row.passed),
      row.worstRecoveryMs === null ? '-' : `${(row.worstRecoveryMs / 1000).toFixed(1)} s`,
      String(row.dataLost),
      row.note ?? '',
    ]);
    const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
    const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd();
    return [`\n${this.title}`, line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
  }

  print(): void {
    console.log(this.render());
  }
}
