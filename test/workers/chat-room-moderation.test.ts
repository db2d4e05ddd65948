import { abortAllDurableObjects } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { CHAT_CLOSE_CODES } from '../../contracts/chat.ts';
import { openRoom, sendInOrder, uniqueRoom, upgradeToRoom } from './helpers.ts';

const mod = { id: 'mod-1', name: 'Mod', role: 'moderator' as const };
const caster = { id: 'caster', name: 'Caster', role: 'broadcaster' as const };

describe('ChatRoom moderation', () => {
  it('a moderator deletes a message: everyone gets {type:deleted}, and it is gone from history', async () => {
    const room = uniqueRoom('delete');
    const viewer = await openRoom(room, { user: { id: 'v1' } });
    const moderator = await openRoom(room, { user: mod });
    await sendInOrder(viewer, ['oops', 'fine']);
    const oops = await moderator.next('message');
    expect(oops.text).toBe('oops');
    moderator.sendJson({ type: 'delete', id: oops.id });
    expect(await viewer.next('deleted')).toEqual({ type: 'deleted', id: oops.id });
    const later = await openRoom(room);
    expect((await later.next('history')).messages.map((m) => m.text)).toEqual(['fine']);
    moderator.sendJson({ type: 'delete', id: oops.id });
    expect((await moderator.next('error')).code).toBe('not_found');
    await Promise.all([viewer.close(), moderator.close(), later.close()]);
  });

  it('viewers cannot moderate, moderators cannot touch the broadcaster or each other', async () => {
    const room = uniqueRoom('forbidden');
    const viewer = await openRoom(room, { user: { id: 'v1' } });
    const moderator = await openRoom(room, { user: mod });
    const broadcaster = await openRoom(room, { user: caster });
    await openRoom(room, { user: { id: 'mod-2', role: 'moderator' } });
    broadcaster.sendJson({ type: 'send', text: 'welcome', nonce: '1' });
    const welcome = await viewer.next('message');
    viewer.sendJson({ type: 'delete', id: welcome.id });
    viewer.sendJson({ type: 'ban', userId: 'mod-1' });
    expect((await viewer.next('error')).code).toBe('forbidden');
    expect((await viewer.next('error')).code).toBe('forbidden');
    moderator.sendJson({ type: 'delete', id: welcome.id });
    moderator.sendJson({ type: 'ban', userId: 'caster' });
    moderator.sendJson({ type: 'timeout', userId: 'mod-2', seconds: 60 });
    for (let i = 0; i < 3; i += 1) expect((await moderator.next('error')).code).toBe('forbidden');
    expect((await (await openRoom(room)).next('history')).messages.map((m) => m.text)).toEqual(['welcome']);
  });

  it('a timed-out user is told and cannot post until the timeout ends; others can', async () => {
    const room = uniqueRoom('timeout');
    const target = await openRoom(room, { user: { id: 'loud' } });
    const moderator = await openRoom(room, { user: mod });
    moderator.sendJson({ type: 'timeout', userId: 'loud', seconds: 600 });
    const notice = await target.next('error');
    expect(notice.code).toBe('timed_out');
    target.sendJson({ type: 'send', text: 'let me talk', nonce: '1' });
    const refused = await target.next('error');
    expect(refused.code).toBe('timed_out');
    expect(refused.retryAfterMs).toBeGreaterThan(590_000);
    moderator.sendJson({ type: 'send', text: 'calm', nonce: '2' });
    expect((await target.next('message')).text).toBe('calm');
    await Promise.all([target.close(), moderator.close()]);
  });

  it('a banned user is disconnected (4003) and refused on a new socket, even after an eviction', async () => {
    const room = uniqueRoom('ban');
    const target = await openRoom(room, { user: { id: 'troll' } });
    const broadcaster = await openRoom(room, { user: caster });
    broadcaster.sendJson({ type: 'ban', userId: 'troll' });
    expect(await target.closed).toBe(CHAT_CLOSE_CODES.banned);

    const again = await upgradeToRoom(room, { user: { id: 'troll' } });
    expect(again.status).toBe(403);
    expect(ApiErrorBody.parse(await again.json()).error.code).toBe('banned');

    await abortAllDurableObjects();
    expect((await upgradeToRoom(room, { user: { id: 'troll' } })).status).toBe(403);
    const other = await upgradeToRoom(room, { user: { id: 'someone-else' } });
    expect(other.status).toBe(101);
    other.webSocket?.accept();
    other.webSocket?.close(1000, 'done');
  });
});
