import { describe, expect, it } from 'vitest';
import {
  CAPTIONS_STORAGE_KEY, captionOptions, chosenTrackIndex, liftedLinePercent, OFF, placeCues, readCaptionChoice, saveCaptionChoice,
} from '../../edge/public/player/captions.js';

const tracks = [{ name: 'Français', lang: 'fr' }, { name: 'English', lang: 'en' }, { name: 'English (CC)', lang: 'en' }, { name: '', lang: 'pt-BR' }];

/** localStorage's interface over a Map. */
function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return { getItem: (key: string) => map.get(key) ?? null, setItem: (key: string, value: string) => void map.set(key, value), map };
}

describe('the captions menu', () => {
  it('offers Off first, then each track by its name (its language when it has none)', () => {
    expect(captionOptions(tracks)).toEqual([
      { value: OFF, label: 'Captions off' }, { value: '0', label: 'Français' }, { value: '1', label: 'English' }, { value: '2', label: 'English (CC)' }, { value: '3', label: 'pt-BR' },
    ]);
  });

  it('remembers the choice and finds it again: same name, else same language, else same primary language', () => {
    const storage = memoryStorage();
    expect(chosenTrackIndex(tracks, readCaptionChoice(storage))).toBe(-1);
    saveCaptionChoice(storage, tracks[2]!);
    expect(JSON.parse(storage.map.get(CAPTIONS_STORAGE_KEY)!)).toEqual({ lang: 'en', name: 'English (CC)' });
    expect(chosenTrackIndex(tracks, readCaptionChoice(storage))).toBe(2);
    expect(chosenTrackIndex([{ name: 'Anglais', lang: 'en' }], readCaptionChoice(storage))).toBe(0);
    expect(chosenTrackIndex([{ name: 'US', lang: 'en-US' }], readCaptionChoice(storage))).toBe(0);
    expect(chosenTrackIndex([{ name: 'Français', lang: 'fr' }], readCaptionChoice(storage))).toBe(-1);
    saveCaptionChoice(storage, null);
    expect(chosenTrackIndex(tracks, readCaptionChoice(storage))).toBe(-1);
  });

  it('treats unusable storage as nothing remembered', () => {
    expect(readCaptionChoice(memoryStorage({ [CAPTIONS_STORAGE_KEY]: 'not json' }))).toBeNull();
    expect(readCaptionChoice(memoryStorage({ [CAPTIONS_STORAGE_KEY]: '{"x":1}' }))).toBeNull();
    expect(readCaptionChoice({ getItem: () => { throw new Error('denied'); } })).toBeNull();
    expect(() => saveCaptionChoice({ setItem: () => { throw new Error('quota'); } }, tracks[0]!)).not.toThrow();
  });
});

describe('cues clear an overlay over the picture', () => {
  const picture = { top: 100, bottom: 500, height: 400 };

  it('puts the cue bottom just above the overlay, only when the overlay reaches into the picture', () => {
    expect(liftedLinePercent(picture, { top: 400, bottom: 480, height: 80 })).toBe(73);
    expect(liftedLinePercent(picture, { top: 510, bottom: 560, height: 50 })).toBeNull();
    expect(liftedLinePercent(picture, null)).toBeNull();
    expect(liftedLinePercent(picture, { top: 90, bottom: 480, height: 390 })).toBe(10);
  });

  it('moves auto-placed cues and puts them back; a cue the file placed stays', () => {
    const auto = { line: 'auto' as number | 'auto', snapToLines: true, lineAlign: 'start' };
    const placed = { line: 2 as number | 'auto', snapToLines: true, lineAlign: 'start' };
    const originals = new WeakMap();
    placeCues([auto, placed], 73, originals);
    expect(auto).toEqual({ line: 73, snapToLines: false, lineAlign: 'end' });
    expect(placed).toEqual({ line: 2, snapToLines: true, lineAlign: 'start' });
    placeCues([auto, placed], null, originals);
    expect(auto).toEqual({ line: 'auto', snapToLines: true, lineAlign: 'start' });
  });
});
