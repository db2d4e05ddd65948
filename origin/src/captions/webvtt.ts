/**
 * WebVTT (W3C WebVTT, the subset HLS players read): parsing with errors that name the line, and writing. Pure.
 * Cue times are whole milliseconds, WebVTT's own resolution.
 */

export interface Cue {
  /** The cue identifier line, when the file had one. */
  id?: string;
  startMs: number;
  endMs: number;
  /** Cue settings after the end time (`line:0 align:start`), kept as written. */
  settings: string;
  /** The cue's text lines (WebVTT cue text: `<i>`, `<b>`, `&amp;`… as written). */
  text: string[];
}

/** A parsed track: its cues in start order, and the STYLE/REGION blocks that apply to all of them. */
export interface CaptionTrackText {
  cues: Cue[];
  /** Whole STYLE and REGION blocks, lines joined by `\n`, written again before the cues. */
  blocks: string[];
}

export type ParseResult = { ok: true; track: CaptionTrackText } | { ok: false; line: number; error: string };

/** What one file may hold: enough for a feature film several times over, bounded so a hostile file costs little. */
export const MAX_CUES = 20_000;
const MAX_CUE_LINE_CHARS = 1_000;

const TIMESTAMP = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const TIMING_LINE = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;

/** `01:02:03.456` or `02:03.456` → milliseconds; null when it is not a WebVTT timestamp. */
export function parseTimestamp(text: string): number | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [, hours, minutes, seconds, millis] = match;
  return ((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(millis);
}

/** Milliseconds → `HH:MM:SS.mmm` (hours grow past two digits when they must). */
export function formatTimestamp(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor(whole / 60_000) % 60;
  const seconds = Math.floor(whole / 1000) % 60;
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(whole % 1000, 3)}`;
}

/** The lines of a text file: BOM dropped, CRLF and CR read as LF. */
export function textLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
}

const isBlank = (line: string) => line.trim().length === 0;
const timingExample = '00:00:01.000 --> 00:00:04.000';

/** A cue timing line's start, end and settings, or why it is not one. */
export function parseTimingLine(line: string, parseTime: (text: string) => number | null, example: string): { startMs: number; endMs: number; settings: string } | { error: string } {
  const match = TIMING_LINE.exec(line.trim());
  if (!match) return { error: `"${clip(line)}" is not a cue timing line such as "${example}"` };
  const [, startText, endText, settings] = match as unknown as [string, string, string, string | undefined];
  const startMs = parseTime(startText);
  if (startMs === null) return { error: `the start time "${clip(startText)}" is not a timestamp such as ${example.split(' ')[0]}` };
  const endMs = parseTime(endText);
  if (endMs === null) return { error: `the end time "${clip(endText)}" is not a timestamp such as ${example.split(' ')[2]}` };
  if (endMs <= startMs) return { error: `the cue ends (${endText}) before or when it starts (${startText})` };
  return { startMs, endMs, settings: (settings ?? '').trim() };
}

/**
 * Parses a WebVTT file. Refused, naming the (1-based) line: a missing `WEBVTT` signature, a cue without a
 * timing line, a malformed timestamp, a cue that ends before it starts, `-->` inside cue text (usually a
 * missing blank line between two cues), more than MAX_CUES cues. Cues are returned in start order.
 */
export function parseWebVtt(text: string): ParseResult {
  const lines = textLines(text);
  if (!/^WEBVTT([ \t].*)?$/.test(lines[0] ?? '')) return { ok: false, line: 1, error: 'a WebVTT file starts with the line "WEBVTT"' };
  // The header runs to the first blank line (X-TIMESTAMP-MAP and other metadata: not kept).
  let index = 1;
  while (index < lines.length && !isBlank(lines[index]!)) {
    if (lines[index]!.includes('-->')) return { ok: false, line: index + 1, error: 'a blank line must separate the "WEBVTT" header from the first cue' };
    index++;
  }

  const cues: Cue[] = [];
  const blocks: string[] = [];
  while (index < lines.length) {
    if (isBlank(lines[index]!)) {
      index++;
      continue;
    }
    const blockStart = index;
    const block: string[] = [];
    while (index < lines.length && !isBlank(lines[index]!)) block.push(lines[index++]!);

    const first = block[0]!;
    if (/^NOTE([ \t]|$)/.test(first)) continue;
    if (/^(STYLE|REGION)[ \t]*$/.test(first)) {
      if (cues.length > 0) return { ok: false, line: blockStart + 1, error: `a ${first.trim()} block must come before the first cue` };
      blocks.push(block.join('\n'));
      continue;
    }
    const hasId = !first.includes('-->');
    const timingAt = hasId ? 1 : 0;
    const timingLine = block[timingAt];
    if (timingLine === undefined) return { ok: false, line: blockStart + 1, error: `"${clip(first)}" is followed by no cue timing line such as "${timingExample}"` };
    const timing = parseTimingLine(timingLine, parseTimestamp, timingExample);
    if ('error' in timing) return { ok: false, line: blockStart + timingAt + 1, error: timing.error };
    const cueText = block.slice(timingAt + 1);
    const badLine = cueText.findIndex((line) => line.includes('-->'));
    if (badLine >= 0) return { ok: false, line: blockStart + timingAt + 2 + badLine, error: 'cue text must not contain "-->": is a blank line missing before this cue?' };
    const longLine = cueText.findIndex((line) => line.length > MAX_CUE_LINE_CHARS);
    if (longLine >= 0) return { ok: false, line: blockStart + timingAt + 2 + longLine, error: `a cue text line is at most ${MAX_CUE_LINE_CHARS} characters` };
    if (cues.length === MAX_CUES) return { ok: false, line: blockStart + 1, error: `a track holds at most ${MAX_CUES} cues` };
    cues.push({ ...(hasId ? { id: first.trim() } : {}), ...timing, text: cueText });
  }
  return { ok: true, track: { cues: sortCues(cues), blocks } };
}

/** Start order (stable: equal starts keep the file's order), as WebVTT requires and players assume. */
export function sortCues(cues: readonly Cue[]): Cue[] {
  return cues.map((cue, order) => ({ cue, order })).sort((a, b) => a.cue.startMs - b.cue.startMs || a.order - b.order).map(({ cue }) => cue);
}

/** Writes a WebVTT file: `WEBVTT`, the given header lines, the STYLE/REGION blocks, then the cues. */
export function writeWebVtt(track: CaptionTrackText, headerLines: readonly string[] = []): string {
  const parts = [['WEBVTT', ...headerLines].join('\n'), ...track.blocks];
  for (const cue of track.cues) {
    const timing = `${formatTimestamp(cue.startMs)} --> ${formatTimestamp(cue.endMs)}${cue.settings ? ` ${cue.settings}` : ''}`;
    parts.push([...(cue.id ? [cue.id] : []), timing, ...cue.text].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** Echoes part of a line in an error message: printable and short. */
export function clip(text: string): string {
  const clean = text.replace(/[\p{Cc}]/gu, '?');
  return clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
}
