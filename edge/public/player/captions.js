// The captions menu: "Off" and one entry per subtitle track of the master; the viewer's choice is remembered in
// localStorage (per browser, for every video), and cues move up while an overlay (the storyboard tile, the status
// line) sits over the bottom of the picture.

export const OFF = 'off';
export const CAPTIONS_STORAGE_KEY = 'vora.captions';

/** What a viewer calls a track: its NAME, else its language. */
export function trackLabel(track) {
  return String(track.name || track.lang || 'Captions');
}

/** `[{value, label}]`: Off first, then the tracks in the master's order; `value` is the track's index as text. */
export function captionOptions(tracks) {
  return [{ value: OFF, label: 'Captions off' }, ...tracks.map((track, index) => ({ value: String(index), label: trackLabel(track) }))];
}

/** The remembered choice: `{off: true}`, `{lang, name}`, or null (nothing chosen yet, or storage unusable). */
export function readCaptionChoice(storage) {
  try {
    const saved = JSON.parse(storage?.getItem(CAPTIONS_STORAGE_KEY) ?? 'null');
    if (saved && (saved.off === true || typeof saved.lang === 'string')) return saved;
  } catch {
    // private mode, a full quota or someone else's value: no choice remembered
  }
  return null;
}

/** Remembers `track` (or Off for null); storage failures are ignored, the menu still works. */
export function saveCaptionChoice(storage, track) {
  try {
    storage?.setItem(CAPTIONS_STORAGE_KEY, JSON.stringify(track ? { lang: track.lang ?? '', name: trackLabel(track) } : { off: true }));
  } catch {
    // not remembered this time
  }
}

/**
 * Which track to show for a remembered choice: the same language and name, else the same language, else the same
 * primary language (`en` for `en-US`); Off (-1) when the viewer chose Off or nothing was chosen.
 */
export function chosenTrackIndex(tracks, choice) {
  if (!choice || choice.off) return -1;
  const lang = String(choice.lang).toLowerCase();
  const primary = lang.split('-')[0];
  const langOf = (track) => String(track.lang ?? '').toLowerCase();
  const exact = tracks.findIndex((track) => langOf(track) === lang && trackLabel(track) === choice.name);
  if (exact >= 0) return exact;
  const sameLanguage = tracks.findIndex((track) => langOf(track) === lang);
  if (sameLanguage >= 0) return sameLanguage;
  return tracks.findIndex((track) => langOf(track).split('-')[0] === primary);
}

/**
 * Where a cue's bottom must sit (percent of the picture's height from its top) to clear an overlay, or null when the
 * overlay does not reach into the picture. Rectangles as getBoundingClientRect gives them.
 */
export function liftedLinePercent(pictureRect, overlayRect) {
  if (!overlayRect || overlayRect.height === 0 || pictureRect.height === 0) return null;
  if (overlayRect.top >= pictureRect.bottom || overlayRect.bottom <= pictureRect.top) return null;
  const percent = ((overlayRect.top - pictureRect.top) / pictureRect.height) * 100 - 2;
  return Math.max(10, Math.min(100, Math.floor(percent)));
}

/** Moves the showing cues above `percent` (null: back where the file put them). */
export function placeCues(cues, percent, originals) {
  for (const cue of cues) {
    if (!originals.has(cue)) originals.set(cue, { line: cue.line, snapToLines: cue.snapToLines, lineAlign: cue.lineAlign });
    const original = originals.get(cue);
    // A cue the file placed itself (line set) stays where its author put it.
    if (original.line !== 'auto') continue;
    if (percent === null) {
      cue.snapToLines = original.snapToLines;
      cue.line = original.line;
      cue.lineAlign = original.lineAlign;
    } else {
      cue.snapToLines = false;
      cue.line = percent;
      cue.lineAlign = 'end';
    }
  }
}
