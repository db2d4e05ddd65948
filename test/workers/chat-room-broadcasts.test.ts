import { describe, expect, it } from 'vitest';
import { CHAT_LIMITS } from '../../contracts/chat.ts';
import { openRoom, uniqueRoom } from './helpers.ts';

describe('ChatRoom over a real WebSocket', () => {
  it('announces presence, then broadcasts a sent message with seq 1', async () => {
    const client = await openRoom(uniqueRoom('first'), { user: { id: 'ada', name: 'Ada' } });
    expect(await client.next('presence')).toEqual({ type: 'presence', count: 1 });

    client.sendJson({ type: 'send', text: 'hello room', nonce: 'n-1' });
    const message = await client.next('message');
    expect(message).toMatchObject({ type: 'message', seq: 1, text: 'hello room', nonce: 'n-1' });
    expect(message.user).toEqual({ id: 'ada', name: 'Ada', role: 'viewer' });
    expect(Date.parse(message.at)).not.toBeNaN();

    client.sendJson({ type: 'send', text: 'again', nonce: 'n-2' });
    expect((await client.next('message')).seq).toBe(2);
    await client.close();
  });

  it('fans a message out to every socket of the room and only that room', async () => {
    const room = uniqueRoom('fanout');
    const alice = await openRoom(room);
    const bob = await openRoom(room);
    const elsewhere = await openRoom(uniqueRoom('other'));
    expect((await bob.next('presence')).count).toBe(2);
    expect(await alice.next('presence')).toEqual({ type: 'presence', count: 1 });
    expect(await alice.next('presence')).toEqual({ type: 'presence', count: 2 });

    alice.sendJson({ type: 'send', text: 'hi bob', nonce: 'a-1' });
    const seenByBob = await bob.next('message');
    const seenByAlice = await alice.next('message');
    expect(seenByBob).toEqual(seenByAlice);
    expect(seenByBob.user).toEqual(seenByAlice.user);
    await expect(elsewhere.next('message', 300)).rejects.toThrow(/no message frame/);

    await bob.close();
    expect(await alice.next('presence')).toEqual({ type: 'presence', count: 1 });
    await alice.close();
    await elsewhere.close();
  });

  it.each([
    ['not JSON', 'hello', 'invalid_json'],
    ['an unknown type', JSON.stringify({ type: 'shout', text: 'x', nonce: 'n' }), 'invalid_frame'],
    ['a blank text', JSON.stringify({ type: 'send', text: '   ', nonce: 'n' }), 'invalid_frame'],
    ['a missing nonce', JSON.stringify({ type: 'send', text: 'x' }), 'invalid_frame'],
    ['an oversized frame', JSON.stringify({ type: 'send', text: 'x'.repeat(CHAT_LIMITS.maxFrameBytes), nonce: 'n' }), 'frame_too_large'],
  ])('answers %s with an error frame and keeps the socket usable', async (_label, raw, code) => {
    const client = await openRoom(uniqueRoom('bad'));
    await client.next('presence');
    client.socket.send(raw);
    expect((await client.next('error')).code).toBe(code);

    client.sendJson({ type: 'send', text: 'still here', nonce: 'n-ok' });
    // The refused frame consumed no sequence number.
    expect(await client.next('message')).toMatchObject({ seq: 1, text: 'still here' });
    await client.close();
  });

  it('refuses binary frames', async () => {
    const client = await openRoom(uniqueRoom('binary'));
    client.socket.send(new Uint8Array([1, 2, 3]));
    expect((await client.next('error')).code).toBe('unsupported_frame');
    await client.close();
  });
});
