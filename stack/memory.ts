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
