import { describe, expect, it } from 'vitest';
import { CHAT_LIMITS, ServerFrame } from '../../contracts/chat.ts';
import { encodeFrame, messageFrame, parseClientFrame, presenceFrame, readAttachment } from '../../durable-objects/chat-protocol.ts';

describe('parseClientFrame', () => {
  it('accepts a send frame and drops unknown fields', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'send', text: 'hi', nonce: 'n', extra: true }))).toEqual({
      ok: true,
      frame: { type: 'send', text: 'hi', nonce: 'n' },
    });
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    const emoji = '😀'; // 2 UTF-16 units, 4 UTF-8 bytes
    const text = emoji.repeat(Math.ceil(CHAT_LIMITS.maxFrameBytes / 4));
    expect(text.length).toBeLessThan(CHAT_LIMITS.maxFrameBytes);
    const result = parseClientFrame(JSON.stringify({ type: 'send', text, nonce: 'n' }));
    expect(result.ok ? 'ok' : result.error.code).toBe('frame_too_large');
  });

  it('refuses text over the length limit and a too-long nonce, naming the field', () => {
    const long = parseClientFrame(JSON.stringify({ type: 'send', text: 'x'.repeat(CHAT_LIMITS.maxTextLength + 1), nonce: 'n' }));
    expect(long.ok ? '' : long.error.message).toMatch(/^text:/);
    const nonce = parseClientFrame(JSON.stringify({ type: 'send', text: 'x', nonce: 'n'.repeat(CHAT_LIMITS.maxNonceLength + 1) }));
    expect(nonce.ok ? '' : nonce.error.message).toMatch(/^nonce:/);
  });

  it('refuses JSON that is not an object', () => {
    for (const raw of ['null', '42', '"send"', '[]']) {
      const result = parseClientFrame(raw);
      expect(result.ok ? 'ok' : result.error.code, raw).toBe('invalid_frame');
    }
  });
});

describe('server frames', () => {
  it('build frames that satisfy the wire contract', () => {
    const user = { id: 'u1', name: 'Ada', role: 'viewer' as const };
    const message = messageFrame({ seq: 7, id: 'm', user, text: 't', nonce: 'n', at: new Date(0) });
    expect(message.at).toBe('1970-01-01T00:00:00.000Z');
    for (const frame of [message, presenceFrame(3)]) expect(ServerFrame.parse(JSON.parse(encodeFrame(frame)))).toEqual(frame);
  });

  it('an unreadable attachment is null (the room asks the client to reconnect); an old one without strikes gets none', () => {
    expect(readAttachment(null)).toBeNull();
    expect(readAttachment({ user: { id: 'u1', name: 'Ada' }, joinedAt: 5 })).toBeNull();
    const good = { user: { id: 'u1', name: 'Ada', role: 'moderator' }, joinedAt: 5 };
    expect(readAttachment(good)).toEqual({ ...good, strikes: [] });
  });
});
