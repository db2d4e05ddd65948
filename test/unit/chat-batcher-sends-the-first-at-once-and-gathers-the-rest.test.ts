import { describe, expect, it } from 'vitest';
import { ServerFrame, parseProtocolVersion } from '../../contracts/chat.ts';
import { encodeFrame, memberFromTags, messageFrame, messagesFrameText, socketTags } from '../../durable-objects/chat-protocol.ts';
import { MessageBatcher, MessageRate } from '../../durable-objects/message-batcher.ts';

/** A batcher on a hand-driven clock: `tick()` runs the window timer that is due. */
function batcherOnHand() {
  const frames: string[][] = [];
  const timers: Array<() => void> = [];
  const batcher = new MessageBatcher((encoded) => frames.push(encoded), 50, { set: (run) => timers.push(run) });
  const tick = () => timers.shift()?.();
  return { batcher, frames, timers, tick };
}

describe('MessageBatcher', () => {
  it('sends a message after a quiet window at once, and the ones during the window together at its end', () => {
    const { batcher, frames, timers, tick } = batcherOnHand();
    batcher.push('a');
    expect(frames).toEqual([['a']]);
    batcher.push('b');
    batcher.push('c');
    expect(frames).toEqual([['a']]);
    tick();
    expect(frames).toEqual([['a'], ['b', 'c']]);
    // That batch opened the next window: a message now waits for it.
    batcher.push('d');
    expect(frames).toHaveLength(2);
    tick();
    expect(frames.at(-1)).toEqual(['d']);
    // A window that ends empty closes: the next message goes at once again.
    tick();
    expect(timers).toHaveLength(0);
    batcher.push('e');
    expect(frames.at(-1)).toEqual(['e']);
  });

  it('flush sends what waits now, in order, and nothing twice', () => {
    const { batcher, frames, tick } = batcherOnHand();
    batcher.push('a');
    batcher.push('b');
    batcher.flush();
    batcher.flush();
    expect(frames).toEqual([['a'], ['b']]);
    tick();
    expect(frames).toEqual([['a'], ['b']]);
  });
});

describe('MessageRate', () => {
  it('is the larger of this second so far and the whole last second, and forgets a second without messages', () => {
    const rate = new MessageRate();
    expect([1000, 1100, 1200].map((at) => rate.record(at))).toEqual([1, 2, 3]);
    // The next second starts from the last one's 3 until it passes it.
    expect([2000, 2500, 2600, 2700].map((at) => rate.record(at))).toEqual([3, 3, 3, 4]);
    // A quiet second in between: the rate starts again from what this second holds.
    expect(rate.record(4000)).toBe(1);
  });
});

describe('protocol v2 frames and tags', () => {
  const at = new Date('2026-12-06T05:00:00Z');
  const message = (seq: number) => messageFrame({ seq, id: `m-${seq}`, user: { id: 'ada', name: 'Ada', role: 'viewer' }, text: `hi ${seq}`, nonce: `n-${seq}`, at });

  it('builds a messages frame from encoded messages that parses as the contract says', () => {
    const text = messagesFrameText([encodeFrame(message(1)), encodeFrame(message(2))]);
    expect(ServerFrame.parse(JSON.parse(text))).toEqual({ type: 'messages', messages: [message(1), message(2)] });
    expect(messagesFrameText([encodeFrame(message(3))])).toBe(encodeFrame(message(3)));
  });

  it('reads a socket\'s user and protocol back from its tags, v1 for sockets tagged before v2', () => {
    expect(memberFromTags(socketTags('ada', 2))).toEqual({ userId: 'ada', protocol: 2 });
    expect(memberFromTags(socketTags('bob', 1))).toEqual({ userId: 'bob', protocol: 1 });
    expect(memberFromTags(['user:old'])).toEqual({ userId: 'old', protocol: 1 });
    expect(memberFromTags([])).toBeNull();
  });

  it('takes ?v= absent, 1 or 2 and refuses the rest', () => {
    expect([null, '', '1', '2', '3', '0', 'v2'].map(parseProtocolVersion)).toEqual([1, 1, 1, 2, 'invalid', 'invalid', 'invalid']);
  });
});
