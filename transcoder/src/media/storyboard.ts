import { webvttTimestamp } from './webvtt-timestamp.ts';

/** How a storyboard sprite is laid out: one tile every `intervalSeconds`, `columns` tiles per row. */
export interface StoryboardLayout {
  intervalSeconds: number;
  tileCount: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
}

const maxTiles = 100;
const tileLongSide = 160;
const maxColumns = 10;
const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);

/** At most 100 tiles of 160 px (long side), at least one second apart. Pure. */
export function storyboardLayout(durationSeconds: number, width: number, height: number): StoryboardLayout {
  const intervalSeconds = Math.max(1, Math.ceil(durationSeconds / maxTiles));
  const tileCount = Math.max(1, Math.ceil(durationSeconds / intervalSeconds));
  const landscape = width >= height;
  const tileWidth = landscape ? tileLongSide : even((tileLongSide * width) / height);
  const tileHeight = landscape ? even((tileLongSide * height) / width) : tileLongSide;
  const columns = Math.min(maxColumns, tileCount);
  return { intervalSeconds, tileCount, tileWidth, tileHeight, columns, rows: Math.ceil(tileCount / columns) };
}

/** WebVTT for scrubbing previews: one cue per tile, pointing into the sprite with a `#xywh=` fragment. Pure. */
export function storyboardVtt(layout: StoryboardLayout, durationSeconds: number, spriteUri: string): string {
  const cues: string[] = ['WEBVTT', ''];
  for (let index = 0; index < layout.tileCount; index += 1) {
    const start = index * layout.intervalSeconds;
    const end = Math.min(durationSeconds, start + layout.intervalSeconds);
    const x = (index % layout.columns) * layout.tileWidth;
    const y = Math.floor(index / layout.columns) * layout.tileHeight;
    cues.push(`${webvttTimestamp(start)} --> ${webvttTimestamp(end)}`, `${spriteUri}#xywh=${x},${y},${layout.tileWidth},${layout.tileHeight}`, '');
  }
  return cues.join('\n');
}
