import { describe, expect, it } from 'vitest';
import { decodeVideoCursor, encodeVideoCursor, patchAssignments } from '../../origin/src/db/video-rows.ts';
import { checkMigrationOrder } from '../../origin/src/db/migrate.ts';
import { schemaMigrations } from '../../origin/src/db/migrations.ts';
import { hashSecret, newSecret } from '../../origin/src/db/secrets.ts';

describe('video list cursor', () => {
  it('round-trips the last row of a page to the millisecond', () => {
    const cursor = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: 'vid_abc' };
    expect(decodeVideoCursor(encodeVideoCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'not-base64-json', Buffer.from('{"t":"yesterday","id":"x"}').toString('base64url'), Buffer.from('{"t":"2026-01-01T00:00:00Z"}').toString('base64url'), Buffer.from('null').toString('base64url')])(
    'rejects a cursor it did not make: %j',
    (text) => expect(decodeVideoCursor(text)).toBeNull(),
  );
});

describe('video patch assignments', () => {
  it('sets only the fields present, numbered from the given parameter, JSON for source', () => {
    expect(patchAssignments({ progress: 0.5, source: { key: 'k' }, failureReason: null, title: undefined }, 4)).toEqual({
      assignments: ['failure_reason = $4', 'source = $5::jsonb', 'progress = $6'],
      values: [null, '{"key":"k"}', 0.5],
    });
  });

  it('ignores keys that are not patchable columns', () => {
    expect(patchAssignments({ state: 'READY', id: 'x' } as never, 2)).toEqual({ assignments: [], values: [] });
  });
});

describe('migration order', () => {
  it('accepts the shipped schema', () => expect(() => checkMigrationOrder(schemaMigrations)).not.toThrow());

  it('refuses versions out of order or repeated', () => {
    const step = (version: number) => ({ version, name: `v${version}`, statements: [] });
    expect(() => checkMigrationOrder([step(1), step(1)])).toThrow(/version 1, which does not follow 1/);
    expect(() => checkMigrationOrder([step(2), step(1)])).toThrow(/does not follow 2/);
  });
});

describe('secrets', () => {
  it('are unguessable, prefixed, and stored as SHA-256 hex', () => {
    const a = newSecret('upl');
    expect(a).toMatch(/^upl_[A-Za-z0-9_-]{43}$/);
    expect(newSecret('upl')).not.toBe(a);
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
