import { describe, expect, it } from 'vitest';
import { masterRenditions } from '../../origin/src/gateway/master-playlist.ts';

const names = (renditions: { name: string }[]) => renditions.map((rendition) => rendition.name);
const src = { name: 'src' };
const ladder = [{ name: '360p' }, { name: '720p' }, { name: '1080p' }];

describe('masterRenditions: `src` until READY, then the ladder', () => {
  it.each<[string, { name: string }[], string, string[]]>([
    ['PLAYABLE through src, ladder not recorded yet', [src], 'PLAYABLE', ['src']],
    ['PLAYABLE through src, ladder recorded a moment before READY', [src, ...ladder], 'PLAYABLE', ['src']],
    ['READY: the ladder replaces src', [src, ...ladder], 'READY', ['360p', '720p', '1080p']],
    ['READY with only src recorded (never expected): src rather than nothing', [src], 'READY', ['src']],
    ['progressive first rung (no src), PLAYABLE', [ladder[0]!], 'PLAYABLE', ['360p']],
    ['no src at all, READY', ladder, 'READY', ['360p', '720p', '1080p']],
    ['nothing recorded', [], 'PROCESSING', []],
  ])('%s', (_, renditions, state, expected) => {
    expect(names(masterRenditions(renditions, state))).toEqual(expected);
  });
});
