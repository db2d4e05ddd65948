/** One recognised word and when it was spoken, in seconds from the start of the audio: what every speech engine gives. */
export interface TimedWord {
  text: string;
  startSeconds: number;
  endSeconds: number;
}

/** What an engine's output said, as a value: the words, or why the output could not be read (never thrown). */
export type EngineOutput = { ok: true; words: TimedWord[] } | { ok: false; error: string };
