import { describe, expect, it } from 'vitest';
import { RewriteMemo, type RewrittenPlaylist } from '../../edge/src/playback/rewrite-memo.ts';

const entry = (source: string): RewrittenPlaylist => ({ source, expires: 60, secret: 'node-key-0123456789', durationSeconds: 4, body: `rewritten ${source}` });

describe('RewriteMemo', () => {
  it('answers only for the same key and the same origin text', () => {
    const memo = new RewriteMemo();
    memo.set('node-a\n/media/v/360p/', entry('text 1'));
    expect(memo.get('node-a\n/media/v/360p/', 'text 1')?.source).toBe('text 1');
    expect(memo.get('node-a\n/media/v/360p/', 'text 2')).toBeUndefined();
    expect(memo.get('node-b\n/media/v/360p/', 'text 1')).toBeUndefined();
  });

  it('drops the least recently used entry past its capacity', () => {
    const memo = new RewriteMemo(2);
    memo.set('a', entry('a'));
    memo.set('b', entry('b'));
    memo.get('a', 'a');
    memo.set('c', entry('c'));
    expect(memo.size).toBe(2);
    expect(memo.get('b', 'b')).toBeUndefined();
    expect(memo.get('a', 'a')).toBeDefined();
    expect(memo.get('c', 'c')).toBeDefined();
  });
});
