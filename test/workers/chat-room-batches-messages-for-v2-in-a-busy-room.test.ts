import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageFrame } from '../../contracts/chat.ts';
import { ChatRoom } from '../../durable-objects/chat-room.ts';
import { BATCH_FROM_DELIVERIES_PER_SECOND } from '../../durable-objects/message-batcher.ts';
import { openRoom, setRoomRules, uniqueRoom, type RoomClient } from './helpers.ts';

/** Every message a client holds, in the order it got them, unpacking v2 batches; and how many frames carried them. */
async function collectMessages(client: RoomClient, count: number): Promise<{ seqs: number[]; frames: number }> {
  const seqs: number[] = [];
  let frames = 0;
  while (seqs.length < count) {
    const frame = await client.nextOf(['message', 'messages']);
    frames += 1;
    const messages: MessageFrame[] = frame.type === 'messages' ? frame.messages : [frame];
    seqs.push(...messages.map((message) => message.seq));
  }
  return { seqs, frames };
}

describe('a busy room batches messages for protocol v2 sockets', () => {
  // The objects run in this isolate: a lower threshold makes three sockets a busy room without thousands of them.
  afterEach(() => {
    ChatRoom.batchFromDeliveriesPerSecond = BATCH_FROM_DELIVERIES_PER_SECOND;
  });

  it('sends every message at once, one frame each, in a room below the busy rate', async () => {
    const room = uniqueRoom('quiet');
    await setRoomRules(room, { burst: 20 });
    const sender = await openRoom(room, { protocol: 2 });
    const reader = await openRoom(room, { protocol: 2 });
    for (let i = 1; i <= 5; i += 1) sender.sendJson({ type: 'send', text: `quiet ${i}`, nonce: `q${i}` });
    expect(await collectMessages(reader, 5)).toEqual({ seqs: [1, 2, 3, 4, 5], frames: 5 });
    await Promise.all([sender, reader].map((client) => client.close()));
  });

  it('gives v2 sockets the messages of one window in one frame, v1 sockets one frame each, both every message once and in order; a joiner during a window gets nothing twice; all of it again after a wake', async () => {
    ChatRoom.batchFromDeliveriesPerSecond = 1;
    const room = uniqueRoom('busy');
    // Seven messages at once: more than the default burst of 5.
    await setRoomRules(room, { burst: 20 });
    const sender = await openRoom(room, { user: { id: 'sender', role: 'broadcaster' }, protocol: 2 });
    const v2 = await openRoom(room, { protocol: 2 });
    const v1 = await openRoom(room, { protocol: 1 });

    for (let i = 1; i <= 5; i += 1) sender.sendJson({ type: 'send', text: `burst ${i}`, nonce: `n${i}` });
    const batched = await collectMessages(v2, 5);
    expect(batched.seqs).toEqual([1, 2, 3, 4, 5]);
    expect(batched.frames).toBeLessThan(5);
    expect(await collectMessages(v1, 5)).toEqual({ seqs: [1, 2, 3, 4, 5], frames: 5 });
    await collectMessages(sender, 5);

    // Two more, and a v2 joiner at once: what waits in the window is in its history, and never sent to it again.
    sender.sendJson({ type: 'send', text: 'later 1', nonce: 'l1' });
    sender.sendJson({ type: 'send', text: 'later 2', nonce: 'l2' });
    // 'later 1' opens a window (if none is open) that 'later 2' waits in; join while it may still wait.
    await sender.nextOf(['message', 'messages']);
    const joiner = await openRoom(room, { protocol: 2 });
    const history = await joiner.next('history');
    const after = history.lastSeq;
    const rest = after >= 7 ? [] : (await collectMessages(joiner, 7 - after)).seqs;
    expect([...history.messages.map((message) => message.seq), ...rest]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await expect(joiner.nextOf(['message', 'messages'], 300)).rejects.toThrow(/no message or messages frame/);
    expect((await collectMessages(v2, 2)).seqs).toEqual([6, 7]);
    expect((await collectMessages(v1, 2)).seqs).toEqual([6, 7]);

    // A woken object starts with no socket list: it rebuilds it from the runtime's sockets and their tags (user, protocol).
    await runInDurableObject(env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName(room)), (instance) => {
      (instance as unknown as { socketCache: unknown }).socketCache = null;
    });
    for (let i = 8; i <= 10; i += 1) sender.sendJson({ type: 'send', text: `after wake ${i}`, nonce: `w${i}` });
    const woken = await collectMessages(v2, 3);
    expect(woken.seqs).toEqual([8, 9, 10]);
    expect(woken.frames).toBeLessThan(3);
    expect(await collectMessages(v1, 3)).toEqual({ seqs: [8, 9, 10], frames: 3 });

    await Promise.all([sender, v2, v1, joiner].map((client) => client.close()));
  });
});
