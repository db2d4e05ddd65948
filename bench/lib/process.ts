// Child processes a benchmark starts itself (servers under test), measured and stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** Resident memory of a process in MiB: now (VmRSS) and peak (VmHWM), from /proc. */
export async function memoryMiB(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { now: field('VmRSS'), peak: field('VmHWM') };
}

/** Proportional memory of a process in MiB (PSS, /proc/PID/smaps_rollup): shared pages split among their users, unlike RSS. */
export async function pssMiB(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) / 1024;
}

/** CPU time (user + system) a process has used so far, in ms: a figure other load on the machine does not skew. */
export async function cpuMsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Starts `node [nodeFlags…] --import tsx script args…` and resolves with the port once it prints `listening PORT`. */
export async function startListening(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000, nodeFlags: readonly string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not print "listening PORT" within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout!.on('data', (data: Buffer) => {
      const match = /listening (\d+)/.exec(String(data));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before listening`));
    });
  });
  return { child, port };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** CPU time (ms) used so far by every live process of a process group (wrangler and its workerd children), from /proc. */
export async function processGroupCpuMs(pgid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = (await readFile(`/proc/${entry}/stat`, 'utf8')).split(') ')[1]!.split(' ');
      if (Number(fields[2]) === pgid) total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/** Idle and total jiffies of all cores so far (/proc/stat's first line; iowait counts as idle). */
export async function boxCpuTimes(): Promise<{ idle: number; total: number }> {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3]! + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) };
}

/** Share of the box's CPU time (all cores) nobody used between two `boxCpuTimes` readings, in %. Pure. */
export function idlePercentBetween(before: { idle: number; total: number }, after: { idle: number; total: number }): number {
  return ((after.idle - before.idle) / Math.max(1, after.total - before.total)) * 100;
}
