import { readFile } from 'node:fs/promises';
import { run } from './exec.ts';

/** Resident memory (KiB) of every process in each of the given process groups, from one `ps` call. */
export async function groupRssKib(pgids: number[]): Promise<Map<number, number>> {
  const totals = new Map<number, number>(pgids.map((pgid) => [pgid, 0]));
  const out = await run('ps', ['-eo', 'pgid=,rss=']);
  for (const line of out.split('\n')) {
    const [pgid, rss] = line.trim().split(/\s+/).map(Number);
    if (pgid !== undefined && rss !== undefined && totals.has(pgid)) totals.set(pgid, totals.get(pgid)! + rss);
  }
  return totals;
}

export function formatMib(kib: number): string {
  return `${(kib / 1024).toFixed(0)} MiB`;
}

/** Resident (RSS) and proportional (PSS: each shared page split among the processes mapping it) memory, KiB. */
export interface GroupMemory {
  rssKib: number;
  pssKib: number;
}

/** Proportional set size of one process (KiB) from /proc/PID/smaps_rollup; 0 if it is gone or unreadable. */
async function pssKib(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
}

/**
 * RSS and PSS of every process in each of the given process groups. RSS counts a page shared by two processes
 * (a forked child, the same binary twice) in both, so a sum of RSS over-states a group or a stack; PSS does not.
 */
export async function groupMemoryKib(pgids: number[]): Promise<Map<number, GroupMemory>> {
  const totals = new Map<number, GroupMemory>(pgids.map((pgid) => [pgid, { rssKib: 0, pssKib: 0 }]));
  const out = await run('ps', ['-eo', 'pid=,pgid=,rss=']);
  const reads: Promise<void>[] = [];
  for (const line of out.split('\n')) {
    const [pid, pgid, rss] = line.trim().split(/\s+/).map(Number);
    const total = pgid === undefined ? undefined : totals.get(pgid);
    if (pid === undefined || rss === undefined || !total) continue;
    total.rssKib += rss;
    reads.push(pssKib(pid).then((pss) => void (total.pssKib += pss)));
  }
  await Promise.all(reads);
  return totals;
}
