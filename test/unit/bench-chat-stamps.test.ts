import { describe, expect, it } from 'vitest';
import { countStamps, stampLatencies, stampMarker, stampText } from '../../bench/lib/chat-stamps.ts';

describe('chat-fanout stamps', () => {
  it('finds every message of a phase in a lone, a batched and an echoed frame, and none of another phase', () => {
    const one = JSON.stringify({ type: 'message', text: stampText(7, 1000.5) });
    const batch = JSON.stringify({ type: 'messages', messages: [{ text: stampText(7, 1000) }, { text: stampText(7, 1020) }, { text: stampText(17, 1030) }] });
    const echoed = JSON.stringify({ type: 'send', text: stampText(7, 990), nonce: '7-1' });
    expect([one, batch, echoed].map((frame) => countStamps(Buffer.from(frame), stampMarker(7)))).toEqual([1, 2, 1]);
    expect(stampLatencies(batch, 7, 1100)).toEqual([100, 80]);
    expect(stampLatencies(one, 7, 1010.5)).toEqual([10]);
    expect(stampLatencies(echoed, 8, 2000)).toEqual([]);
  });
});
