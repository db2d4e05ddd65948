import { readFile } from 'node:fs/promises';
import { run } from './exec.ts';

interface GroupProcess {
  pid: number;
  pgid: number;
  rssKib: number;
}

/** Every running process in one of the given process groups, with its resident memory (KiB), from one `ps` call. */
async function processesInGroups(pgids: number[]): Promise<GroupProcess[]> {
  const wanted = new Set(pgids);
  const out = await run('ps', ['-eo', 'pid=,pgid=,rss=']);
  const found: GroupProcess[] = [];
  for (const line of out.split('\n')) {
    const [pid, pgid, rssKib] = line.trim().split(/\s+/).map(Number);
    if (pid !== undefined && pgid !== undefined && rssKib !== undefined && wanted.has(pgid)) found.push({ pid, pgid, rssKib });
  }
  return found;
}

/** Resident memory (KiB) of every process in each of the given process groups. */
export async function groupRssKib(pgids: number[]): Promise<Map<number, number>> {
  const totals = new Map<number, number>(pgids.map((pgid) => [pgid, 0]));
  for (const { pgid, rssKib } of await processesInGroups(pgids)) totals.set(pgid, totals.get(pgid)! + rssKib);
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
  const reads = (await processesInGroups(pgids)).map(async ({ pid, pgid, rssKib }) => {
    const total = totals.get(pgid)!;
    total.rssKib += rssKib;
    total.pssKib += await pssKib(pid);
  });
  await Promise.all(reads);
  return totals;
}
