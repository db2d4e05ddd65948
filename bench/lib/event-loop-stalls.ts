// Where a server's latency tail comes from: its event-loop delay and GC pauses, read (and reset) between rounds.
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface StallReport {
  /** Event-loop delay in ms (1 ms resolution): how late the loop ran what was due. */
  loopDelay: { p50: number; p99: number; max: number };
  /** GC pauses in ms, by kind (minor = scavenge, major = mark-compact, incremental = marking steps). */
  gc: Record<string, { count: number; totalMs: number; maxMs: number }>;
}

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Starts watching this process; `read()` returns what happened since the last read. */
export function watchStalls(): { read(): StallReport } {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let pauses: PerformanceEntry[] = [];
  new PerformanceObserver((list) => pauses.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
  return {
    read() {
      const gc: StallReport['gc'] = {};
      for (const pause of pauses) {
        const kind = gcKinds[(pause as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
        const entry = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
        entry.count += 1;
        entry.totalMs += pause.duration;
        entry.maxMs = Math.max(entry.maxMs, pause.duration);
      }
      const report = { loopDelay: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 }, gc };
      delay.reset();
      pauses = [];
      return report;
    },
  };
}

/** "minor 80× 310 ms (max 9.1)": one line of a report's GC pauses. Pure. */
export function describeGc(gc: StallReport['gc']): string {
  const parts = Object.entries(gc).map(([kind, { count, totalMs, maxMs }]) => `${kind} ${count}× ${totalMs.toFixed(0)} ms (max ${maxMs.toFixed(1)})`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
