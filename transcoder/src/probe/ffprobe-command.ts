import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFailureTypes } from '../../../contracts/transcode.ts';

/** Where a source is read from, and the only protocols ffprobe may open for it (inputs are untrusted). */
export type SourceLocation =
  | { ok: true; input: string; protocols: string[]; remote: boolean }
  | { ok: false; reason: string };

/** Turns a workflow's `sourceKey` into an ffprobe input. Pure. */
export function resolveSourceLocation(sourceKey: string): SourceLocation {
  // `file:` keeps a path containing `:` from being read as a protocol name.
  if (isAbsolute(sourceKey)) return { ok: true, input: `file:${sourceKey}`, protocols: ['file'], remote: false };
  if (sourceKey.startsWith('file://')) {
    return { ok: true, input: `file:${fileURLToPath(sourceKey)}`, protocols: ['file'], remote: false };
  }
  if (/^https?:\/\//.test(sourceKey)) return { ok: true, input: sourceKey, protocols: ['http', 'https', 'tcp', 'tls'], remote: true };
  return {
    ok: false,
    reason: `source "${sourceKey}" is neither an absolute path nor an http(s)/file URL (bucket keys are read through a presigned URL: see storage/source-input.ts)`,
  };
}

/** Arguments of the ffprobe run that describes a source as JSON. */
export function ffprobeArgs(location: { input: string; protocols: string[]; remote: boolean }): string[] {
  const network = location.remote ? ['-rw_timeout', String(15_000_000)] : []; // microseconds: a stalled server fails, not hangs
  return [
    '-hide_banner', '-v', 'error',
    '-print_format', 'json', '-show_format', '-show_streams',
    '-protocol_whitelist', location.protocols.join(','),
    ...network,
    '-i', location.input,
  ];
}

export type FfprobeFailure = { retryable: false; type: string; reason: string } | { retryable: true; reason: string };

/** Decides from ffprobe's stderr whether a retry could help (a network blip) or never will (not a video). Pure. */
export function classifyFfprobeFailure(stderr: string): FfprobeFailure {
  const lastLine = stderr.trim().split('\n').filter(Boolean).at(-1) ?? 'ffprobe failed without a message';
  if (/Invalid data found when processing input|moov atom not found|could not find codec parameters/i.test(stderr)) {
    return { retryable: false, type: sourceFailureTypes.notAVideo, reason: `it is not a video FFmpeg can read (${lastLine})` };
  }
  if (/No such file or directory|404 Not Found|HTTP error 404/i.test(stderr)) {
    return { retryable: false, type: sourceFailureTypes.notFound, reason: `the source does not exist (${lastLine})` };
  }
  if (/Protocol not on whitelist|Protocol not found/i.test(stderr)) {
    return { retryable: false, type: sourceFailureTypes.unsupportedLocation, reason: `the source needs a protocol we do not open (${lastLine})` };
  }
  return { retryable: true, reason: lastLine };
}

/**
 * A source whose index names bytes past its end (an MP4 with its moov first, cut short): ffprobe still exits 0,
 * and FFmpeg would encode only what is there, so the video would be READY and shorter than its upload claims.
 * The demuxer says `partial file` for the packets it cannot read. Only the scanned first 30 s are read, so a cut
 * later than that is not seen here. Pure: returns the reason to fail with, or undefined.
 */
export function truncationReason(stderr: string): string | undefined {
  const line = stderr.split('\n').find((text) => /: partial file\s*$/.test(text));
  if (!line) return undefined;
  return `the file is truncated: its index names data past its end (${line.replace(/^\[[^\]]*\]\s*/, '').trim()}); upload the whole file again`;
}
