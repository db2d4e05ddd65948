import type { TimedWord } from './timed-words.ts';

/** One caption on screen: its lines, from when to when (seconds on the video's timeline). */
export interface CaptionCue {
  startSeconds: number;
  endSeconds: number;
  lines: string[];
}

/**
 * How much one cue may hold. The defaults follow common subtitling guidance (BBC, Netflix): two lines of at
 * most 42 characters, at most 7 s on screen, at least 1 s so it can be read, and a new cue after a pause.
 */
export interface CueRules {
  maxLineChars: number;
  maxLines: number;
  maxCueSeconds: number;
  minCueSeconds: number;
  /** Silence longer than this between two words starts a new cue (the old one is not left up over silence). */
  pauseSeconds: number;
}

export const DEFAULT_CUE_RULES: CueRules = { maxLineChars: 42, maxLines: 2, maxCueSeconds: 7, minCueSeconds: 1, pauseSeconds: 1 };

/** Words wrapped greedily into lines of at most `maxLineChars` (a longer word gets a line of its own). Pure. */
export function wrapWords(words: string[], maxLineChars: number): string[] {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= maxLineChars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const endsSentence = (word: string) => /[.?!…]["')\]]?$/.test(word);

/** Groups of consecutive words, each group one cue: cut at pauses, at sentence ends, and where a cue would be too long. */
function groupWords(words: TimedWord[], rules: CueRules): TimedWord[][] {
  const groups: TimedWord[][] = [];
  let current: TimedWord[] = [];
  for (const word of words) {
    const previous = current.at(-1);
    const first = current[0];
    const startsNew =
      previous === undefined || first === undefined
        ? false
        : word.startSeconds - previous.endSeconds > rules.pauseSeconds ||
          endsSentence(previous.text) ||
          word.endSeconds - first.startSeconds > rules.maxCueSeconds ||
          wrapWords([...current, word].map((each) => each.text), rules.maxLineChars).length > rules.maxLines;
    if (startsNew) {
      groups.push(current);
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Cues from timed words: words in time order grouped by `rules`, each cue from its first word's start to its last
 * word's end, held for at least `minCueSeconds` unless the next cue starts sooner (cues never overlap). Words
 * without a usable time are dropped. Pure.
 */
export function buildCues(words: TimedWord[], rules: CueRules = DEFAULT_CUE_RULES): CaptionCue[] {
  const usable = words
    .filter((word) => word.text.trim() !== '' && Number.isFinite(word.startSeconds) && Number.isFinite(word.endSeconds) && word.startSeconds >= 0)
    .map((word) => ({ text: word.text.trim(), startSeconds: word.startSeconds, endSeconds: Math.max(word.startSeconds, word.endSeconds) }))
    .sort((a, b) => a.startSeconds - b.startSeconds);
  const groups = groupWords(usable, rules);
  return groups.map((group, index) => {
    const startSeconds = group[0]!.startSeconds;
    const spoken = Math.max(...group.map((word) => word.endSeconds));
    const nextStart = groups[index + 1]?.[0]?.startSeconds ?? Number.POSITIVE_INFINITY;
    const held = Math.min(Math.max(spoken, startSeconds + rules.minCueSeconds), Math.max(spoken, nextStart));
    // A cue lasts at least a millisecond (WebVTT's resolution), even for a word the engine gave no length.
    const endSeconds = Math.max(held, startSeconds + 0.001);
    return { startSeconds, endSeconds, lines: wrapWords(group.map((word) => word.text), rules.maxLineChars) };
  });
}
