// The quality menu: "Auto" (value -1, hls.js picks by bandwidth) and one entry per rendition, highest first.

export const AUTO = -1;

/** What a viewer calls a level: its height (`720p`), else its name, else its bitrate. */
export function levelLabel(level) {
  if (level.height) return `${level.height}p`;
  if (level.name) return String(level.name);
  return `${Math.round((level.bitrate ?? 0) / 1000)} kbps`;
}

/** `[{value, label}]`: Auto first, then levels by height (then bitrate) descending; `value` is the hls.js level index. */
export function qualityOptions(levels) {
  const entries = levels.map((level, index) => ({ value: index, label: levelLabel(level), height: level.height ?? 0, bitrate: level.bitrate ?? 0 }));
  entries.sort((a, b) => b.height - a.height || b.bitrate - a.bitrate);
  return [{ value: AUTO, label: 'Auto' }, ...entries.map(({ value, label }) => ({ value, label }))];
}

/** The Auto entry's text while hls.js chooses: `Auto (360p)`. */
export function autoLabel(currentLevel) {
  return currentLevel ? `Auto (${levelLabel(currentLevel)})` : 'Auto';
}
