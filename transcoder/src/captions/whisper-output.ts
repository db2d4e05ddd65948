import { z } from 'zod';
import type { EngineOutput, TimedWord } from './timed-words.ts';

// One JSON object per line from faster-whisper-words.py: a word with its leading space, as Whisper's tokens have it.
const WhisperWordLine = z.object({ word: z.string(), start: z.number().min(0), end: z.number().min(0) });

/** The timed words of `faster-whisper-words.py` (JSON lines); the first line that is not a word is the error. Pure. */
export function parseWhisperWords(output: string): EngineOutput {
  const words: TimedWord[] = [];
  const lines = output.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { ok: false, error: `line ${index + 1} of the faster-whisper output is not JSON: ${line.slice(0, 120)}` };
    }
    const parsed = WhisperWordLine.safeParse(json);
    if (!parsed.success) return { ok: false, error: `line ${index + 1} of the faster-whisper output is not a timed word: ${line.slice(0, 120)}` };
    const text = parsed.data.word.trim();
    if (text === '') continue;
    // Whisper may give a word a zero or inverted span at the very end of a segment: it still was spoken there.
    words.push({ text, startSeconds: parsed.data.start, endSeconds: Math.max(parsed.data.start, parsed.data.end) });
  }
  return { ok: true, words };
}
