// A CDN node's own timing of a load: nginx's access log lines (the shipped template's `vora` JSON format).
import { percentile } from './results.ts';

/** nginx's `$request_time` of a load's measured requests: from the request's first byte read to its last byte handed to the kernel. */
export interface NodeServerTimes { requests: number; hits: number; p50: number; p99: number; max: number }

/**
 * The access log lines one load wrote (in the order its requests ended), the first `warmupRequests` left out as the
 * load leaves its warm-up out; times of the 200 answers in ms (the log's resolution is 1 ms). Pure.
 */
export function nodeServerTimes(logLines: string[], warmupRequests: number): NodeServerTimes {
  const entries = logLines
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { status: number; cache: string; ms: number })
    .slice(warmupRequests);
  // The template names the field `ms`, but nginx writes $request_time in seconds (0.001 is 1 ms).
  const ms = Float64Array.from(entries.filter((e) => e.status === 200).map((e) => e.ms * 1000)).sort();
  return { requests: entries.length, hits: entries.filter((e) => e.cache === 'HIT').length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1] ?? Number.NaN };
}
