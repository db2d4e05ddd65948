import { webvttTimestamp } from '../media/webvtt-timestamp.ts';
import type { CaptionCue } from './cue-building.ts';

/** Cue text is markup in WebVTT: `&`, `<` and `>` are written as character references (which also keeps `-->` out). */
export const escapeCueText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A WebVTT file of the cues, with a NOTE naming the engine that made them (readers skip NOTE blocks). Pure. */
export function webvttOfCues(cues: CaptionCue[], note: string): string {
  const blocks = ['WEBVTT', `NOTE ${note.replaceAll('-->', '->').replace(/\n+/g, ' ')}`];
  for (const cue of cues) blocks.push([`${webvttTimestamp(cue.startSeconds)} --> ${webvttTimestamp(cue.endSeconds)}`, ...cue.lines.map(escapeCueText)].join('\n'));
  return `${blocks.join('\n\n')}\n`;
}
