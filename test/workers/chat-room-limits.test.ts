import { describe, expect, it } from 'vitest';
import { CHAT_CLOSE_CODES } from '../../contracts/chat.ts';
import { openRoom, setRoomRules, uniqueRoom } from './helpers.ts';

describe('ChatRoom limits', () => {
  it('refuses a message over the default 500 characters and keeps the socket', async () => {
    const client = await openRoom(uniqueRoom('length'));
    client.sendJson({ type: 'send', text: 'x'.repeat(501), nonce: 'long' });
    expect(await client.next('error')).toMatchObject({ code: 'too_long' });
    client.sendJson({ type: 'send', text: 'x'.repeat(500), nonce: 'ok' });
    expect((await client.next('message')).seq).toBe(1);
    await client.close();
  });

  it('rate-limits a user with a token bucket (burst 5 by default) and says when to retry', async () => {
    const client = await openRoom(uniqueRoom('rate'));
    for (let i = 0; i < 6; i += 1) client.sendJson({ type: 'send', text: `m${i}`, nonce: `${i}` });
    for (let i = 0; i < 5; i += 1) expect((await client.next('message')).seq).toBe(i + 1);
    const error = await client.next('error');
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    await client.close();
  });

  it('the bucket is per user, not per socket: a second socket of the same user shares it', async () => {
    const room = uniqueRoom('rate-user');
    await setRoomRules(room, { burst: 2, ratePerSecond: 0.01 });
    const a = await openRoom(room, { user: { id: 'same' } });
    const b = await openRoom(room, { user: { id: 'same' } });
    a.sendJson({ type: 'send', text: '1', nonce: '1' });
    await a.next('message');
    b.sendJson({ type: 'send', text: '2', nonce: '2' });
    await b.next('message');
    b.sendJson({ type: 'send', text: '3', nonce: '3' });
    expect((await b.next('error')).code).toBe('rate_limited');
    await Promise.all([a.close(), b.close()]);
  });

  it('slow mode holds viewers back but not moderators', async () => {
    const room = uniqueRoom('slow');
    await setRoomRules(room, { slowModeSeconds: 30 });
    const viewer = await openRoom(room);
    const moderator = await openRoom(room, { user: { role: 'moderator' } });
    viewer.sendJson({ type: 'send', text: 'first', nonce: '1' });
    await viewer.next('message');
    viewer.sendJson({ type: 'send', text: 'second', nonce: '2' });
    const error = await viewer.next('error');
    expect(error.code).toBe('slow_mode');
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    // Two sends well inside the 30 s window, the second after the first's echo (why: sendInOrder in helpers.ts).
    moderator.sendJson({ type: 'send', text: 'a', nonce: 'm1' });
    expect((await moderator.next('message')).text).toBe('first');
    expect((await moderator.next('message')).text).toBe('a');
    moderator.sendJson({ type: 'send', text: 'b', nonce: 'm2' });
    expect((await moderator.next('message')).text).toBe('b');
    await Promise.all([viewer.close(), moderator.close()]);
  });

  it('refuses a banned word as a whole word, case-insensitively', async () => {
    const room = uniqueRoom('words');
    await setRoomRules(room, { bannedWords: ['spoiler'] });
    const client = await openRoom(room);
    client.sendJson({ type: 'send', text: 'huge SPOILER ahead', nonce: '1' });
    expect((await client.next('error')).code).toBe('banned_word');
    client.sendJson({ type: 'send', text: 'no spoilers here', nonce: '2' });
    expect((await client.next('message')).text).toBe('no spoilers here');
    await client.close();
  });

  it('answers a lone surrogate (not UTF-8) with invalid_utf8', async () => {
    const client = await openRoom(uniqueRoom('utf8'));
    client.socket.send('{"type":"send","text":"bad \\ud800 text","nonce":"1"}');
    expect((await client.next('error')).code).toBe('invalid_utf8');
    await client.close();
  });

  it('closes a socket with 4008 after 10 refused frames in 10 s; the room keeps serving the others', async () => {
    const room = uniqueRoom('abuse');
    const abuser = await openRoom(room);
    const bystander = await openRoom(room);
    for (let i = 0; i < 10; i += 1) abuser.socket.send('not json');
    for (let i = 0; i < 9; i += 1) expect((await abuser.next('error')).code).toBe('invalid_json');
    expect(await abuser.closed).toBe(CHAT_CLOSE_CODES.policyViolation);
    bystander.sendJson({ type: 'send', text: 'still fine', nonce: '1' });
    expect((await bystander.next('message')).text).toBe('still fine');
    await bystander.close();
  });
});
