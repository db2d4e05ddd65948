/**
 * Resource limits of one FFmpeg or ffprobe process, applied by running it under util-linux's `prlimit` (in
 * Debian's essential set): a decompression bomb or a runaway decoder is stopped by the kernel, not by hope.
 */
export interface ResourceLimits {
  /** RLIMIT_DATA in MiB: heap and private writable mappings (not the address space merely reserved by thread arenas). 0 = none. */
  memoryMb?: number;
  /** RLIMIT_CPU in seconds over all threads: SIGXCPU, then SIGKILL a second later. 0 = none. */
  cpuSeconds?: number;
}

/** `command args` wrapped in `prlimit --data=… --cpu=… --` when a limit is set; prlimit execs it (same pid). Pure. */
export function limitedCommand(command: string, args: string[], limits: ResourceLimits = {}): { command: string; args: string[] } {
  const prlimitArgs: string[] = [];
  if (limits.memoryMb) prlimitArgs.push(`--data=${Math.round(limits.memoryMb * 1024 * 1024)}`);
  // soft:hard — the soft limit sends SIGXCPU (FFmpeg dies of it), the hard one a second later is SIGKILL.
  if (limits.cpuSeconds) prlimitArgs.push(`--cpu=${Math.ceil(limits.cpuSeconds)}:${Math.ceil(limits.cpuSeconds) + 1}`);
  return prlimitArgs.length === 0 ? { command, args } : { command: 'prlimit', args: [...prlimitArgs, '--', command, ...args] };
}

/** CPU time one encode may use: a fixed allowance plus some per second of source (both 0 = no CPU limit). */
export interface CpuBudget {
  baseSeconds: number;
  perSourceSecond: number;
}

/** 10 min plus 60 CPU seconds per source second: about 30 times what a 1080p ladder needs on 2 cores. */
export const defaultCpuBudget: CpuBudget = { baseSeconds: 600, perSourceSecond: 60 };

/**
 * CPU seconds one encode of `sourceSeconds` may use under `budget`, so only a source that lies about its length (or
 * a decoder gone wrong) reaches it. 0 = no limit. Pure.
 */
export function encodeCpuSeconds(sourceSeconds: number, budget: CpuBudget = defaultCpuBudget): number {
  return Math.ceil(budget.baseSeconds + budget.perSourceSecond * Math.max(0, Number.isFinite(sourceSeconds) ? sourceSeconds : 0));
}

// ENOMEM in FFmpeg's words, and EAGAIN from a codec's worker threads that could not get their stacks (pthread_create).
const memoryRefusal = /Cannot allocate memory|malloc of size \d+ failed|out of memory|opening (?:de|en)coder .*Resource temporarily unavailable/i;

export interface LimitHit {
  limit: 'cpu' | 'memory';
  /** What happened, in words: "used up its CPU limit (600 s) and was killed". */
  text: string;
}

/** How a process ended, as limitHit reads it. */
export interface ProcessExit {
  signal?: string | null;
  stderr: string;
  exitCode?: number;
  /** CPU seconds it had used when last seen running (absent where /proc cannot be read). */
  cpuSeconds?: number;
}

// FFmpeg catches SIGXCPU like SIGTERM and exits 255 by itself; a process seen this close to its CPU limit was stopped by it.
const cpuSeenMarginSeconds = 1;

/**
 * Whether the CPU limit stopped the process: killed by the kernel (SIGXCPU, or SIGKILL at the hard limit), or exiting
 * 255 as FFmpeg does on a signal it caught — when its CPU time is known, only if it had reached the limit (a SIGKILL
 * from the OOM killer, or a SIGTERM, at a fraction of its CPU budget is something else).
 */
function stoppedByCpuLimit(exit: ProcessExit, cpuSeconds: number): boolean {
  const signalled = exit.signal === 'SIGXCPU' || exit.signal === 'SIGKILL' || exit.exitCode === 255;
  if (!signalled) return false;
  if (exit.cpuSeconds === undefined) return exit.signal === 'SIGXCPU' || exit.signal === 'SIGKILL';
  return exit.cpuSeconds >= cpuSeconds - cpuSeenMarginSeconds;
}

/** A process killed by one of its limits, from its exit signal or code, its CPU time and its last words; null when it was not. Pure. */
export function limitHit(exit: ProcessExit, limits: ResourceLimits): LimitHit | null {
  if (limits.cpuSeconds && stoppedByCpuLimit(exit, limits.cpuSeconds)) return { limit: 'cpu', text: `used up its CPU limit (${limits.cpuSeconds} s) and was killed` };
  if (limits.memoryMb && memoryRefusal.test(exit.stderr)) return { limit: 'memory', text: `needed more than its memory limit (${limits.memoryMb} MiB)` };
  return null;
}

/** The transcoder's variables that set each limit, named in a failure so an operator knows what to raise. */
const limitSettings: Record<'FFmpeg' | 'ffprobe', Record<LimitHit['limit'], string>> = {
  FFmpeg: { cpu: 'TRANSCODE_FFMPEG_CPU_SECONDS and TRANSCODE_FFMPEG_CPU_SECONDS_PER_SOURCE_SECOND', memory: 'TRANSCODE_FFMPEG_MEMORY_MB' },
  ffprobe: { cpu: 'FFPROBE_TIMEOUT_MS', memory: 'FFPROBE_MEMORY_MB' },
};

/**
 * The video's failure reason for a process its limit stopped: the limit, and the fix for an operator who expects
 * such sources. Pure.
 */
export function limitFailureReason(process: 'FFmpeg' | 'ffprobe', hit: LimitHit): string {
  return `it is beyond what Vora transcodes: ${process} ${hit.text} — if such sources are expected, raise ${limitSettings[process][hit.limit]} on the transcoder`;
}

/** CPU seconds (user + system, all threads) a process has used, from the text of its `/proc/PID/stat`. Pure. */
export function cpuSecondsOfStat(stat: string, ticksPerSecond = 100): number {
  // After "pid (name) ": state is field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
