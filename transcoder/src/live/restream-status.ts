import type { RestreamTargetStatus } from '../../../contracts/live-inputs.ts';
import type { FfmpegRun } from '../ffmpeg/run-ffmpeg.ts';

/** How one push ended, and what its target's status becomes. Pure. */
export type RestreamOutcome =
  /** The broadcast's source ended (the publisher left) or the push was stopped: nothing to retry here. */
  | { kind: 'source-ended'; status: RestreamTargetStatus; lastError: null }
  /** The target refused, dropped the push, or the push could not run: retried with backoff while the broadcast lasts. */
  | { kind: 'retry'; status: 'failed'; lastError: string };

// FFmpeg names the URL it failed on; the key is part of the push URL, so it is cut out of what is shown or logged.
const withoutKey = (line: string, streamKey: string) => (streamKey ? line.split(streamKey).join('****') : line);

/** The last stderr line that says something, e.g. `rtmp://127.0.0.1:9/app/****: Connection refused`. */
function lastWords(stderrTail: string, streamKey: string): string {
  const lines = stderrTail.split('\n').map((line) => line.trim()).filter(Boolean);
  const telling = lines.reverse().find((line) => !/^(Conversion failed|Exiting normally)/.test(line)) ?? 'ffmpeg exited without a message';
  return withoutKey(telling, streamKey).slice(0, 300);
}

/**
 * What a finished FFmpeg run means for its target. `sentMedia`: the push wrote media before it ended (the source
 * ending then is the broadcast going away). `pushUrl` tells output errors from input errors in FFmpeg's text.
 */
export function restreamOutcome(run: FfmpegRun, facts: { sentMedia: boolean; pullUrl: string; pushUrl: string; streamKey: string }): RestreamOutcome {
  if (run.kind === 'aborted') return { kind: 'source-ended', status: 'idle', lastError: null };
  if (run.kind === 'could-not-run') return { kind: 'retry', status: 'failed', lastError: `ffmpeg could not run: ${run.message}` };
  const words = lastWords(run.stderrTail, facts.streamKey);
  const aboutTarget = run.stderrTail.includes(facts.pushUrl) || /Broken pipe|Connection reset by peer|av_interleaved_write_frame|Error writing trailer/i.test(run.stderrTail);
  if (aboutTarget) return { kind: 'retry', status: 'failed', lastError: `${facts.sentMedia ? 'target dropped the push' : 'target refused'}: ${words}` };
  // Exit 0, or an input error: the ingest no longer has the broadcast (the publisher left or is reconnecting).
  if (run.exitCode === 0 || run.stderrTail.includes(facts.pullUrl)) return { kind: 'source-ended', status: 'idle', lastError: null };
  return { kind: 'retry', status: 'failed', lastError: `push ended (ffmpeg exit ${run.exitCode}${run.signal ? `, ${run.signal}` : ''}): ${words}` };
}

/** Media flows to the target once FFmpeg's output clock moves: then the target is `live`. Pure. */
export const pushIsLive = (outTimeSeconds: number) => outTimeSeconds > 0;
