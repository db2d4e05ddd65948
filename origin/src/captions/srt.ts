import { clip, MAX_CUES, parseTimingLine, sortCues, textLines, type Cue, type ParseResult } from './webvtt.ts';

/**
 * SubRip (.srt) → WebVTT cues. SRT has no spec; this reads what tools write: blocks of an optional number, a
 * timing line `00:00:01,000 --> 00:00:04,000` (a `.` is accepted for the comma, hours may be one digit, SubRip's
 * `X1:… Y2:…` position is dropped), and text lines, separated by blank lines. Pure.
 */

const SRT_TIMESTAMP = /^(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$/;
const srtExample = '00:00:01,000 --> 00:00:04,000';

export function parseSrtTimestamp(text: string): number | null {
  const match = SRT_TIMESTAMP.exec(text);
  if (!match) return null;
  const [, hours, minutes, seconds, fraction] = match as unknown as [string, string, string, string, string];
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(fraction.padEnd(3, '0'));
}

/**
 * SRT text → WebVTT cue text: `<b>`, `<i>`, `<u>` stay (WebVTT has them), `<font …>` and other tags and ASS
 * overrides (`{\an8}`) go, and a bare `&`, `<` or `>` is escaped as WebVTT requires.
 */
export function srtTextToWebVtt(line: string): string {
  const kept: string[] = [];
  const withoutOverrides = line.replace(/\{\\[^}]*\}/g, '');
  const marked = withoutOverrides.replace(/<(\/?)([a-zA-Z]+)(?:\s[^>]*)?>/g, (_tag, slash: string, name: string) => {
    const lower = name.toLowerCase();
    if (lower !== 'b' && lower !== 'i' && lower !== 'u') return '';
    kept.push(`<${slash}${lower}>`);
    return `\u0000${kept.length - 1}\u0000`;
  });
  const escaped = marked.replace(/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(/\u0000(\d+)\u0000/g, (_marker, at: string) => kept[Number(at)]!);
}

/** Parses an SRT file into WebVTT cues; refusals name the (1-based) line. */
export function parseSrt(text: string): ParseResult {
  const lines = textLines(text);
  const cues: Cue[] = [];
  let index = 0;
  while (index < lines.length) {
    if (lines[index]!.trim() === '') {
      index++;
      continue;
    }
    const blockStart = index;
    const block: string[] = [];
    while (index < lines.length && lines[index]!.trim() !== '') block.push(lines[index++]!);

    const numbered = /^\d+$/.test(block[0]!.trim());
    const timingAt = numbered ? 1 : 0;
    const timingLine = block[timingAt];
    if (timingLine === undefined) return { ok: false, line: blockStart + 1, error: `cue ${block[0]!.trim()} has no timing line such as "${srtExample}"` };
    if (!numbered && !timingLine.includes('-->')) {
      return { ok: false, line: blockStart + 1, error: `"${clip(timingLine)}" is neither a cue number nor a timing line such as "${srtExample}"` };
    }
    // SubRip's own position (X1:… X2:… Y1:… Y2:…) has no WebVTT equivalent: the timing line is read without it.
    const timing = parseTimingLine(timingLine.replace(/\s+X1:.*$/i, ''), parseSrtTimestamp, srtExample);
    if ('error' in timing) return { ok: false, line: blockStart + timingAt + 1, error: timing.error };
    const cueText = block.slice(timingAt + 1);
    const badLine = cueText.findIndex((line) => line.includes('-->'));
    if (badLine >= 0) return { ok: false, line: blockStart + timingAt + 2 + badLine, error: 'cue text must not contain "-->": is a blank line missing before this cue?' };
    if (cues.length === MAX_CUES) return { ok: false, line: blockStart + 1, error: `a track holds at most ${MAX_CUES} cues` };
    cues.push({ startMs: timing.startMs, endMs: timing.endMs, settings: '', text: cueText.map(srtTextToWebVtt) });
  }
  return { ok: true, track: { cues: sortCues(cues), blocks: [] } };
}
