import { describe, expect, it } from 'vitest';
import { buildCues, DEFAULT_CUE_RULES, wrapWords } from '../../transcoder/src/captions/cue-building.ts';
import type { TimedWord } from '../../transcoder/src/captions/timed-words.ts';
import { escapeCueText, webvttOfCues } from '../../transcoder/src/captions/webvtt-cues.ts';

/** Words spoken one after another, `seconds` each, `gap` apart. */
function spoken(text: string, { from = 0, seconds = 0.3, gap = 0.05 } = {}): TimedWord[] {
  return text.split(' ').map((word, index) => {
    const startSeconds = from + index * (seconds + gap);
    return { text: word, startSeconds, endSeconds: startSeconds + seconds };
  });
}

describe('cues from timed words', () => {
  it('keeps a short sentence in one cue, from its first word to its last', () => {
    const cues = buildCues(spoken('we are going to the market', { from: 2 }));
    expect(cues).toHaveLength(1);
    expect(cues[0]).toEqual({ startSeconds: 2, endSeconds: 2 + 5 * 0.35 + 0.3, lines: ['we are going to the market'] });
  });

  it('wraps lines at 42 characters and starts a new cue when a third line would be needed', () => {
    const text = 'the quick brown fox jumps over the lazy dog while the farmer watches from the window of his small house by the river';
    const cues = buildCues(spoken(text, { seconds: 0.1, gap: 0.01 }));
    for (const cue of cues) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(42);
    }
    expect(cues.length).toBeGreaterThan(1);
    expect(cues.flatMap((cue) => cue.lines).join(' ')).toBe(text); // every word, once, in order
  });

  it('cuts at a pause longer than a second and holds the cue before it until the next starts, at most', () => {
    const words = [...spoken('hello there'), ...spoken('after a while', { from: 3 })];
    const cues = buildCues(words);
    expect(cues.map((cue) => cue.lines.join(' '))).toEqual(['hello there', 'after a while']);
    expect(cues[0]!.endSeconds).toBeCloseTo(1, 5); // held to the 1 s minimum, not left up over the silence
  });

  it('cuts after a sentence ends, and never lets one cue run past 7 s', () => {
    expect(buildCues(spoken('Good morning. Welcome to the show.')).map((cue) => cue.lines.join(' '))).toEqual(['Good morning.', 'Welcome to the show.']);
    const slow = buildCues(spoken('one two three four five six seven eight nine ten', { seconds: 0.9, gap: 0.1 }));
    for (const cue of slow) expect(cue.endSeconds - cue.startSeconds).toBeLessThanOrEqual(DEFAULT_CUE_RULES.maxCueSeconds);
    expect(slow.length).toBe(2);
  });

  it('never overlaps cues, even when a short word would want its full minimum', () => {
    const words: TimedWord[] = [
      { text: 'yes.', startSeconds: 1, endSeconds: 1.2 },
      { text: 'no.', startSeconds: 1.5, endSeconds: 1.7 },
    ];
    const [first, second] = buildCues(words);
    expect(first!.endSeconds).toBe(1.5);
    expect(second!.endSeconds).toBeCloseTo(2.5, 5);
  });

  it('sorts words by time and drops words without a usable time or text', () => {
    const words: TimedWord[] = [
      { text: 'world', startSeconds: 0.5, endSeconds: 0.9 },
      { text: 'hello', startSeconds: 0.1, endSeconds: 0.4 },
      { text: '  ', startSeconds: 0.45, endSeconds: 0.5 },
      { text: 'ghost', startSeconds: Number.NaN, endSeconds: 1 },
      { text: 'late', startSeconds: -1, endSeconds: 0 },
    ];
    expect(buildCues(words)).toEqual([{ startSeconds: 0.1, endSeconds: 1.1, lines: ['hello world'] }]);
  });

  it('gives a word with no length a cue that still lasts', () => {
    const cues = buildCues([{ text: 'a', startSeconds: 5, endSeconds: 5 }, { text: 'b', startSeconds: 5, endSeconds: 5 }], { ...DEFAULT_CUE_RULES, maxLines: 1, maxLineChars: 1 });
    expect(cues).toHaveLength(2);
    for (const cue of cues) expect(cue.endSeconds).toBeGreaterThan(cue.startSeconds);
  });

  it('makes no cue of no words', () => {
    expect(buildCues([])).toEqual([]);
  });

  it('wraps greedily and gives an over-long word a line of its own', () => {
    expect(wrapWords(['aa', 'bb', 'cc'], 5)).toEqual(['aa bb', 'cc']);
    expect(wrapWords(['pneumonoultramicroscopic', 'x'], 10)).toEqual(['pneumonoultramicroscopic', 'x']);
  });
});

describe('WebVTT of cues', () => {
  it('writes the header, the engine note and each cue with WebVTT timestamps', () => {
    const text = webvttOfCues([{ startSeconds: 3661.5, endSeconds: 3663.25, lines: ['first line', 'second'] }], 'Automatic captions (en) by pocketsphinx');
    expect(text).toBe('WEBVTT\n\nNOTE Automatic captions (en) by pocketsphinx\n\n01:01:01.500 --> 01:01:03.250\nfirst line\nsecond\n');
  });

  it('escapes markup in cue text, so a heard "<" or "-->" cannot break the file', () => {
    expect(escapeCueText('a < b && c --> d')).toBe('a &lt; b &amp;&amp; c --&gt; d');
    expect(webvttOfCues([], 'a --> b\nc')).toBe('WEBVTT\n\nNOTE a -> b c\n');
  });
});
