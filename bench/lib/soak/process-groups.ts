// Resident memory and open file descriptors of each stack component, read from /proc by process group: a component
// is the group its leader PID heads (wrangler's workerd, nginx's workers, the agent's children count with it).
import { readdir, readFile } from 'node:fs/promises';

export interface GroupSample {
  processes: number;
  rssKiB: number;
  fds: number;
  /** Processes of the group left out of the sums (FFmpeg, which comes and goes with the work). */
  excluded: number;
  /** RSS (KiB) of each process counted, by name in PID order (`workerd`, `workerd#2`, …): which one of a group grows. */
  byProcess?: Record<string, number>;
}

interface ProcessInfo {
  pid: number;
  pgid: number;
  name: string;
}

async function processInfo(pid: number): Promise<ProcessInfo | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    // After "pid (name) ": state, ppid, pgrp, …
    const fields = stat.slice(close + 2).split(' ');
    return { pid, pgid: Number(fields[2]), name: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return null; // gone between readdir and read
  }
}

/** VmRSS (KiB) and the number of open descriptors of one process; null when it is gone. */
export async function processFootprint(pid: number): Promise<{ rssKiB: number; fds: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const fds = (await readdir(`/proc/${pid}/fd`)).length;
    return { rssKiB, fds };
  } catch {
    return null;
  }
}

/** `name`, or `name#2`, `name#3`… when the group already has one by that name. Pure. */
export function processLabel(taken: Record<string, number>, name: string): string {
  if (!(name in taken)) return name;
  let n = 2;
  while (`${name}#${n}` in taken) n += 1;
  return `${name}#${n}`;
}

/** One sample per component: every process whose group is the component's leader PID, `excludedNames` left out. */
export async function sampleGroups(leaders: Record<string, number>, excludedNames: string[] = ['ffmpeg', 'prlimit']): Promise<Record<string, GroupSample>> {
  const byGroup = new Map<number, string>(Object.entries(leaders).map(([name, pid]) => [pid, name]));
  const samples: Record<string, GroupSample> = Object.fromEntries(Object.keys(leaders).map((name) => [name, { processes: 0, rssKiB: 0, fds: 0, excluded: 0, byProcess: {} }]));
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).sort((a, b) => Number(a) - Number(b));
  for (const entry of pids) {
    const info = await processInfo(Number(entry));
    const component = info && byGroup.get(info.pgid);
    if (!info || !component) continue;
    const sample = samples[component]!;
    if (excludedNames.includes(info.name)) {
      sample.excluded += 1;
      continue;
    }
    const footprint = await processFootprint(info.pid);
    if (!footprint) continue;
    sample.processes += 1;
    sample.rssKiB += footprint.rssKiB;
    sample.fds += footprint.fds;
    sample.byProcess![processLabel(sample.byProcess!, info.name)] = footprint.rssKiB;
  }
  return samples;
}
