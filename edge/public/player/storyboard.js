// Storyboard previews: the transcoder's WebVTT maps time ranges to tiles of one sprite (`storyboard.jpg#xywh=x,y,w,h`).

const TIMESTAMP = /^(?:(\d+):)?([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?$/;
const TILE = /^(.+)#xywh=(\d+),(\d+),(\d+),(\d+)$/;

/** `01:02:03.500` or `02:03.5` → seconds; null when it is not a WebVTT timestamp. */
export function parseVttTimestamp(text) {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, hours = '0', minutes, seconds, fraction = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(`0.${fraction}`);
}

/**
 * Cues `{start, end, url, x, y, w, h}` sorted by start; the sprite URL is resolved against the VTT's own URL.
 * Malformed cues are skipped: a broken storyboard loses its previews, never the player.
 */
export function parseStoryboardVtt(text, vttUrl) {
  const cues = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n').map((line) => line.trim()).filter(Boolean);
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0 || !lines[timing + 1]) continue;
    const [startText, rest = ''] = lines[timing].split('-->');
    const start = parseVttTimestamp(startText);
    const end = parseVttTimestamp(rest.trim().split(/\s+/)[0] ?? '');
    const tile = TILE.exec(lines[timing + 1]);
    if (start === null || end === null || end <= start || !tile) continue;
    const [, sprite, x, y, w, h] = tile;
    let url;
    try {
      url = new URL(sprite, vttUrl).href;
    } catch {
      continue;
    }
    cues.push({ start, end, url, x: Number(x), y: Number(y), w: Number(w), h: Number(h) });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue showing at `seconds` (binary search), or the last one before it; null before the first cue. */
export function cueAt(cues, seconds) {
  let low = 0;
  let high = cues.length - 1;
  let found = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (cues[middle].start <= seconds) {
      found = cues[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
