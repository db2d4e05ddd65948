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
  it('is the count of the last 100 ms as a per-second rate, so a room is busy within 100 ms of turning busy', () => {
    const rate = new MessageRate();
    expect([1000, 1050, 1099].map((at) => rate.record(at))).toEqual([10, 20, 30]);
    // 1000 leaves the window at 1100 (it holds (now − 100, now]).
    expect(rate.record(1100)).toBe(30);
    // A quiet spell: the rate starts again from this message alone.
    expect(rate.record(1300)).toBe(10);
  });

  it('holds only the window: a long steady stream keeps its rate and drops what is older', () => {
    const rate = new MessageRate();
    let last = 0;
    // 50 messages/s for 100 s: 5,000 arrivals, far past the 1,024 the dropped ones are compacted at.
    for (let i = 0; i < 5_000; i += 1) last = rate.record(i * 20);
    expect(last).toBe(50);
    expect((rate as unknown as { arrivals: number[] }).arrivals.length).toBeLessThan(1_030);
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
