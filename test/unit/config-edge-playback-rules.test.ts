import { describe, expect, it } from 'vitest';
import { rootState } from '../../channel-config/chain.ts';
import { rootConfig, rootHash } from '../../channel-config/root.ts';
import { cappedMaxHeight, playerOriginAllowed } from '../../edge/src/channel-config/playback-rules.ts';
import { answerToUpdate, channelOfRoot, roomOfChannel } from '../../edge/src/channel-config/put-outcome.ts';

const playback = (overrides: Partial<ReturnType<typeof rootConfig>['playback']>) => ({ ...rootConfig().playback, ...overrides });

describe('edge playback rules from a channel configuration', () => {
  it('caps maxHeight at the lower of the token and the channel', () => {
    expect(cappedMaxHeight(undefined, playback({ maxResolution: 720 }))).toBe(720);
    expect(cappedMaxHeight(360, playback({ maxResolution: 720 }))).toBe(360);
    expect(cappedMaxHeight(1080, playback({ maxResolution: 720 }))).toBe(720);
  });

  it('allows listed origins (case-insensitively), every origin when the list is empty, and requests without Origin', () => {
    const rules = playback({ allowedPlayerOrigins: ['https://player.example.com'] });
    expect(playerOriginAllowed('https://player.example.com', rules)).toBe(true);
    expect(playerOriginAllowed('HTTPS://Player.Example.com', rules)).toBe(true);
    expect(playerOriginAllowed(undefined, rules)).toBe(true);
    expect(playerOriginAllowed('https://player.example.com:8443', rules)).toBe(false);
    expect(playerOriginAllowed('null', rules)).toBe(false);
    expect(playerOriginAllowed('https://anything.example', playback({}))).toBe(true);
  });
});

describe('the edge PUT: channel check and answers', () => {
  it('accepts the channel whose root is in the path, refuses any other or a malformed one', async () => {
    const root = await rootHash('chan-1');
    expect(await channelOfRoot('chan-1', root)).toEqual({ ok: true, channelId: 'chan-1' });
    expect(await channelOfRoot(undefined, root)).toEqual({ ok: true, channelId: null });
    expect((await channelOfRoot('chan-2', root)).ok).toBe(false);
    expect((await channelOfRoot('chan 1', root)).ok).toBe(false);
  });

  it('names the channel room, or none when the id makes a room name too long', () => {
    expect(roomOfChannel('abc')).toBe('channel-abc');
    expect(roomOfChannel('x'.repeat(56))).toBe(`channel-${'x'.repeat(56)}`);
    expect(roomOfChannel('x'.repeat(57))).toBeNull();
  });

  it('maps each applyUpdate outcome to its status', () => {
    const held = rootState('a'.repeat(64));
    expect(answerToUpdate({ ok: true, state: { ...held, hash: 'b'.repeat(64), height: 1 }, applied: 1 }, held, 'channel-x')).toMatchObject({ status: 200, body: { outcome: 'applied', room: 'channel-x' } });
    expect(answerToUpdate({ ok: false, reason: 'stale' }, held, null)).toEqual({ status: 200, body: { outcome: 'unchanged', hash: held.hash, height: 0 } });
    expect(answerToUpdate({ ok: false, reason: 'gap', base: 'c'.repeat(64), held: held.hash }, held, null)).toMatchObject({ status: 409, body: { reason: 'gap' } });
    expect(answerToUpdate({ ok: false, reason: 'invalid', path: '/chat/maxLength', message: 'too big' }, held, null)).toMatchObject({ status: 422, body: { reason: 'invalid', path: '/chat/maxLength' } });
  });
});
