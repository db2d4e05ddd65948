// Follows a live ladder FFmpeg a benchmark started: its CPU time and when each segment of one rung's local playlist
// was first listed (live-ladder, live-ladder-capacity).
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpuMsOf } from './process.ts';

/** Each segment's name → when it was first seen listed (epoch ms) and its end on the media timeline (s). */
export type ListedSegments = Map<string, { at: number; endSeconds: number }>;

/** Notes the segments of `playlistText` not seen before as listed `at`. */
export function noteListedSegments(playlistText: string, listed: ListedSegments, at: number): void {
  let end = 0;
  let duration = 0;
  for (const line of playlistText.split('\n')) {
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('seg_')) {
      end += duration;
      if (!listed.has(line)) listed.set(line, { at, endSeconds: end });
    }
  }
}

/** Listed − (source start + the segment's end), ms; the last segment is closed by the end of input, not by time: left out. */
export function segmentLagsMs(listed: ListedSegments, startedAt: number): number[] {
  return [...listed.values()].slice(0, -1).map(({ at, endSeconds }) => at - (startedAt + endSeconds * 1000));
}

/** Polls until `ladder` exits: its CPU ms (last read, and when) and the segments `playlistPath` listed. */
export async function watchLadder(ladder: ChildProcess, playlistPath: string, startedAt: number, intervalMs: number): Promise<{ cpuMs: number; cpuReadAt: number; listed: ListedSegments; exitCode: number | null }> {
  const listed: ListedSegments = new Map();
  let cpuMs = 0;
  let cpuReadAt = startedAt;
  let done = ladder.exitCode !== null || ladder.signalCode !== null;
  const exited = new Promise<number | null>((resolve) => (done ? resolve(ladder.exitCode) : ladder.once('exit', (code) => resolve(code))));
  void exited.then(() => (done = true));
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    try {
      cpuMs = await cpuMsOf(ladder.pid!);
      cpuReadAt = Date.now();
    } catch {
      /* exited between the check and the read */
    }
    noteListedSegments(await readFile(playlistPath, 'utf8').catch(() => ''), listed, Date.now());
  }
  return { cpuMs, cpuReadAt, listed, exitCode: await exited };
}
