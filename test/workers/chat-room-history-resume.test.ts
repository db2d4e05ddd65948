import { abortAllDurableObjects } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CHAT_LIMITS } from '../../contracts/chat.ts';
import { openRoom, sendInOrder, setRoomRules, uniqueRoom, type RoomClient } from './helpers.ts';

const texts = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe('ChatRoom history', () => {
  it('sends the stored messages to a new socket, oldest first', async () => {
    const room = uniqueRoom('history');
    const writer = await openRoom(room);
    await sendInOrder(writer, ['one', 'two', 'three']);
    const reader = await openRoom(room);
    const history = await reader.next('history');
    expect(history.messages.map((m) => [m.seq, m.text])).toEqual([[1, 'one'], [2, 'two'], [3, 'three']]);
    expect([history.lastSeq, history.truncated]).toEqual([3, false]);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('resumes with ?since=SEQ without gaps or duplicates, then continues live', async () => {
    const room = uniqueRoom('resume');
    await setRoomRules(room, { burst: 100, ratePerSecond: 100 });
    const writer = await openRoom(room);
    const reader = await openRoom(room);
    await sendInOrder(writer, texts(1, 5));
    const seenLive: number[] = [];
    for (let i = 0; i < 5; i += 1) seenLive.push((await reader.next('message')).seq);
    await reader.close();

    await sendInOrder(writer, texts(6, 9));
    const back = await openRoom(room, { since: seenLive.at(-1)! });
    const history = await back.next('history');
    writer.sendJson({ type: 'send', text: 'm10', nonce: 'live' });
    const live = await back.next('message');
    expect([...seenLive, ...history.messages.map((m) => m.seq), live.seq]).toEqual(texts(1, 10).map((_, i) => i + 1));
    expect(history.truncated).toBe(false);
    await Promise.all([writer.close(), back.close()]);
  });

  it(`keeps only the last ${CHAT_LIMITS.historySize} messages and says a resume from before them is truncated`, async () => {
    const room = uniqueRoom('cap');
    await setRoomRules(room, { burst: 1000, ratePerSecond: 1000 });
    const writer = await openRoom(room);
    await sendInOrder(writer, texts(1, CHAT_LIMITS.historySize + 5));
    const full = await (await openRoom(room)).next('history');
    expect(full.messages).toHaveLength(CHAT_LIMITS.historySize);
    expect(full.messages[0]!.seq).toBe(6);
    expect(full.truncated).toBe(true);
    const late = await (await openRoom(room, { since: 2 })).next('history');
    expect([late.messages[0]!.seq, late.truncated]).toEqual([6, true]);
    const recent = await (await openRoom(room, { since: 200 })).next('history');
    expect([recent.messages.map((m) => m.seq), recent.truncated]).toEqual([[201, 202, 203, 204, 205], false]);
  }, 30_000);

  it('history, rules and the seq survive an eviction of every object', async () => {
    const room = uniqueRoom('evict-history');
    await setRoomRules(room, { maxLength: 10 });
    const writer = await openRoom(room);
    await sendInOrder(writer, ['kept 1', 'kept 2']);
    await writer.close();
    await abortAllDurableObjects();

    const after = await openRoom(room);
    expect((await after.next('history')).messages.map((m) => m.text)).toEqual(['kept 1', 'kept 2']);
    after.sendJson({ type: 'send', text: 'far longer than ten', nonce: 'x' });
    expect((await after.next('error')).code).toBe('too_long');
    after.sendJson({ type: 'send', text: 'short', nonce: 'y' });
    expect((await after.next('message')).seq).toBe(3);
    await after.close();
  });
});
