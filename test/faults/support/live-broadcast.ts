/** A live broadcast on a whole dev stack, as the fault files watch it: the stored playlists, the ladder FFmpeg by PID, a restarted component. */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { liveKeys } from '../../../contracts/live.ts';
import type { ComponentSpec } from '../../../stack/component.ts';
import { groupAlive, stopProcessGroup } from '../../../stack/process-group.ts';
import type { DevStack } from '../../support/dev-stack.ts';
import { publishTestSource, type Publisher } from '../../support/live-publisher.ts';
import type { OperatorApi, Json } from '../../support/operator-api.ts';
import { sleep, waitFor } from '../../support/wait.ts';

/** The lowest rung of the live ladder: the one counted (every rung is stored alike). */
export const countedRung = '360p';

export async function createLiveInput(api: OperatorApi, body: Json): Promise<{ id: string; streamKey: string; publishUrl: string }> {
  const created = await api('/v1/live-inputs', { method: 'POST', body });
  if (created.status !== 201) throw new Error(`POST /v1/live-inputs answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body as { id: string; streamKey: string; publishUrl: string };
}

export async function liveStatus(api: OperatorApi, inputId: string): Promise<string> {
  const answer = await api(`/v1/live-inputs/${inputId}`);
  if (answer.status !== 200) throw new Error(`GET /v1/live-inputs/${inputId} answered ${answer.status}`);
  return answer.body.status as string;
}

/** The rung's whole stored playlist (MinIO, not the gateway's sliding window): every segment of the broadcast so far. */
export async function storedPlaylist(s3: S3Client, inputId: string, broadcast: number, rung = countedRung): Promise<string> {
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: 'vora-media', Key: liveKeys.playlist(inputId, broadcast, rung) }), { abortSignal: AbortSignal.timeout(5_000) });
    return await answer.Body!.transformToString();
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return '';
    throw error;
  }
}

/** A media playlist's segments in order, with the number of each (`seg_00012.m4s` → 12), and its sections. */
export function playlistShape(text: string): { numbers: number[]; seconds: number; discontinuities: number; ended: boolean } {
  const numbers = text.split('\n').filter((line) => line.startsWith('seg_')).map((line) => Number(/seg_(\d+)\.m4s/.exec(line)![1]));
  const seconds = [...text.matchAll(/^#EXTINF:([\d.]+),/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  return { numbers, seconds, discontinuities: (text.match(/^#EXT-X-DISCONTINUITY$/gm) ?? []).length, ended: text.includes('#EXT-X-ENDLIST') };
}

/** Numbers missing between the first and the last listed segment (a hole a viewer would jump). */
export function holes(numbers: number[]): number[] {
  const listed = new Set(numbers);
  const missing: number[] = [];
  for (let n = numbers[0] ?? 0; n <= (numbers.at(-1) ?? -1); n += 1) if (!listed.has(n)) missing.push(n);
  return missing;
}

/**
 * The ladder FFmpeg processes pulling this input: processes of the transcoder's group (the ladder is its child)
 * whose command line pulls `…/live/{inputId}`. Read from /proc, by PID.
 */
export async function ladderPids(transcoderGroup: number, inputId: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state, ppid, pgrp, …
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== transcoderGroup) continue;
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (argv[0]?.endsWith('ffmpeg') && argv.some((arg) => arg.endsWith(`/live/${inputId}`))) pids.push(Number(entry));
    } catch {
      /* the process ended while we read it */
    }
  }
  return pids;
}

/**
 * A publisher that reconnects as OBS does: FFmpeg publishes again every `everyMs` until one stays connected
 * for `settleMs` (a refused publish ends within a second). Bounded by `timeoutMs`; returns the one that stayed and how many tries it took.
 */
export async function publishUntilAccepted(url: string, options: { seconds: number; everyMs: number; settleMs: number; timeoutMs: number }): Promise<{ publisher: Publisher; tries: number; refusals: string[] }> {
  const deadline = Date.now() + options.timeoutMs;
  const refusals: string[] = [];
  for (let tries = 1; Date.now() < deadline; tries += 1) {
    const publisher = publishTestSource(url, { seconds: options.seconds, size: '320x240' });
    const early = await Promise.race([publisher.exited, sleep(options.settleMs).then(() => null)]);
    if (!early) return { publisher, tries, refusals };
    refusals.push(`try ${tries}: exit ${early.code} ${early.stderr.trim().split('\n').at(-1) ?? ''}`);
    await sleep(options.everyMs);
  }
  throw new Error(`the publisher was not accepted within ${options.timeoutMs} ms: ${refusals.slice(-3).join(' | ')}`);
}

export interface RestartedComponent {
  pid: number;
  /** From SIGTERM to the new process answering its probe, ms. */
  downMs: number;
  /** When the new process answered its probe (Date.now()). */
  backAt: number;
  stop(): Promise<void>;
}

/**
 * Restarts one component of the stack as an operator would: SIGTERM to its group, then the same spec (same
 * ports, same data) started again. The stack runner has no restart, so the new process is ours: `stop()` ends it by PID.
 */
export async function restartComponent(stack: DevStack, spec: ComponentSpec, pid: number): Promise<RestartedComponent> {
  const stoppedAt = Date.now();
  await stopProcessGroup(pid, 10_000, spec.stopSignal);
  const { cmd, args, env, cwd } = await spec.command();
  const log = openSync(join(stack.home, 'logs', `${spec.name}-restarted.log`), 'a');
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, detached: true, stdio: ['ignore', log, log] });
  const newPid = child.pid!;
  const stop = () => (groupAlive(newPid) ? stopProcessGroup(newPid, 10_000, spec.stopSignal) : Promise.resolve());
  try {
    await waitFor(async () => (await spec.probe(), true), { what: `the restarted ${spec.name} to answer`, timeoutMs: spec.readyTimeoutMs ?? 30_000, everyMs: 100, retryErrors: true });
  } catch (error) {
    await stop();
    throw error;
  }
  const backAt = Date.now();
  return { pid: newPid, downMs: backAt - stoppedAt, backAt, stop };
}
