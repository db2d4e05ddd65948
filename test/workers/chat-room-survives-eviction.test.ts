import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ChatRoom } from '../../durable-objects/chat-room.ts';
import { openRoom, uniqueRoom } from './helpers.ts';

describe('ChatRoom state', () => {
  it('keeps its message sequence in SQLite across an eviction of every object', async () => {
    const room = uniqueRoom('evict');
    const first = await openRoom(room);
    first.sendJson({ type: 'send', text: 'one', nonce: '1' });
    first.sendJson({ type: 'send', text: 'two', nonce: '2' });
    expect((await first.next('message')).seq).toBe(1);
    expect((await first.next('message')).seq).toBe(2);
    await first.close();

    const stub = env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName(room));
    const stored = await runInDurableObject(stub, (instance, state) => {
      expect(instance).toBeInstanceOf(ChatRoom);
      return state.storage.sql.exec<{ value: number }>(`SELECT value FROM room_counters WHERE name = 'message_seq'`).one().value;
    });
    expect(stored).toBe(2);

    // Drops every instance (memory gone) but keeps storage: the next socket meets a fresh object.
    await abortAllDurableObjects();

    const second = await openRoom(room);
    second.sendJson({ type: 'send', text: 'three', nonce: '3' });
    expect((await second.next('message')).seq).toBe(3);
    await second.close();
    // Stubs made before the abort are broken by it; ask the namespace again.
    expect(await env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName(room)).lastSeq()).toBe(3);
  });

  it('a room that never had a message reports seq 0 and ping answers without storage', async () => {
    const stub = env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName(uniqueRoom('silent')));
    expect(await stub.ping()).toBe('pong');
    const tables = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'room_counters'`).toArray().length,
    );
    expect(tables).toBe(0);
    expect(await stub.lastSeq()).toBe(0);
  });
});
