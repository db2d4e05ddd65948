import type { EngineOutput, TimedWord } from './timed-words.ts';

// `pocketsphinx_continuous -time yes` prints, per utterance, the hypothesis line and then one line per
// segment: `word start end confidence` (seconds from the start of the file, as the decoder counts frames).
const SEGMENT_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e-?\d+)?)$/;

/** Fillers and markers, not words: utterance bounds `<s>` `</s>`, silence `<sil>`, noise `[NOISE]` `++UH++`. */
const isMarker = (token: string) => /^<.*>$/.test(token) || /^\[.*\]$/.test(token) || /^\+\+.*\+\+$/.test(token);

/**
 * The timed words of `pocketsphinx_continuous -time yes` output. Pronunciation variants (`market(2)`) become the
 * word; markers are dropped; hypothesis lines (no times) are skipped. Pure.
 */
export function parsePocketsphinxTimes(output: string): EngineOutput {
  const words: TimedWord[] = [];
  for (const line of output.split('\n')) {
    const match = SEGMENT_LINE.exec(line.trim());
    if (!match) continue;
    const [, token, start, end] = match as unknown as [string, string, string, string];
    if (isMarker(token)) continue;
    const text = token.replace(/\(\d+\)$/, '');
    const startSeconds = Number(start);
    const endSeconds = Number(end);
    if (endSeconds < startSeconds) return { ok: false, error: `pocketsphinx gave "${text}" an end (${end}) before its start (${start})` };
    words.push({ text, startSeconds, endSeconds });
  }
  return { ok: true, words };
}
