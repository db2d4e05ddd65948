import { parseSrt } from './srt.ts';
import { parseWebVtt, writeWebVtt, type CaptionTrackText } from './webvtt.ts';

export type CaptionFormat = 'webvtt' | 'srt';

export type CaptionFileResult =
  | { ok: true; format: CaptionFormat; track: CaptionTrackText; webvtt: string }
  | { ok: false; format: CaptionFormat; line: number; error: string };

/** A file that starts with `WEBVTT` is WebVTT; anything else is read as SRT. */
export function captionFormatOf(text: string): CaptionFormat {
  return /^\uFEFF?WEBVTT/.test(text) ? 'webvtt' : 'srt';
}

/**
 * An uploaded (or generated) caption file → the one WebVTT text Vora stores for the track: parsed and checked
 * (SRT converted), cues in start order, written back in one normal form. Pure.
 */
export function readCaptionFile(text: string, format: CaptionFormat = captionFormatOf(text)): CaptionFileResult {
  const parsed = format === 'webvtt' ? parseWebVtt(text) : parseSrt(text);
  if (!parsed.ok) return { ok: false, format, line: parsed.line, error: parsed.error };
  return { ok: true, format, track: parsed.track, webvtt: writeWebVtt(parsed.track) };
}
