import { describe, expect, it } from 'vitest';
import { openRoom, uniqueRoom, type RoomClient } from './helpers.ts';

describe('ChatRoom presence', () => {
  it('folds a burst of joins into few presence frames and ends on the true count', async () => {
    const room = uniqueRoom('presence');
    const first = await openRoom(room);
    expect(await first.next('presence')).toEqual({ type: 'presence', count: 1 });
    const others: RoomClient[] = [];
    for (let i = 0; i < 6; i += 1) others.push(await openRoom(room));
    // Within the 500 ms window no frame goes out; the alarm at its end sends the count once.
    const counts: number[] = [];
    while (counts.at(-1) !== 7) counts.push((await first.next('presence', 2000)).count);
    expect(counts.length).toBeLessThanOrEqual(2);
    await expect(first.next('presence', 800)).rejects.toThrow(/no presence frame/);

    await Promise.all(others.map((client) => client.close()));
    let last = 7;
    while (last !== 1) last = (await first.next('presence', 2000)).count;
    await first.close();
  });
});

describe('ChatRoom presence counts people', () => {
  it('two sockets of one user count once', async () => {
    const room = uniqueRoom('tabs');
    const tab1 = await openRoom(room, { user: { id: 'same-person' } });
    const tab2 = await openRoom(room, { user: { id: 'same-person' } });
    expect(await tab1.next('presence')).toEqual({ type: 'presence', count: 1 });
    expect(await tab2.next('presence')).toEqual({ type: 'presence', count: 1 });
    const other = await openRoom(room);
    expect(await other.next('presence')).toEqual({ type: 'presence', count: 2 });
    await Promise.all([tab1.close(), tab2.close(), other.close()]);
  });
});
