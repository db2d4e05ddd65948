// Types for the workers-tier tests that import this browser module.
export interface StoryboardCue { start: number; end: number; url: string; x: number; y: number; w: number; h: number }
export function parseVttTimestamp(text: string): number | null;
export function parseStoryboardVtt(text: string, vttUrl: string): StoryboardCue[];
export function cueAt(cues: StoryboardCue[], seconds: number): StoryboardCue | null;
