import { describe, expect, it } from 'vitest';
import { internalFetch, openRoom } from './helpers.ts';
import { buildChain, putConfig, replace, uniqueChannel } from './config-fixtures.ts';

describe('a channel configuration update reaches the channel room', () => {
  it('a socket in channel-X gets a long message refused once maxLength is lowered, live', async () => {
    const channel = uniqueChannel('chat');
    const chain = await buildChain(channel, [replace('/chat/maxLength', 20), replace('/chat/bannedWords', ['spoiler'])]);
    const client = await openRoom(`channel-${channel}`);
    client.sendJson({ type: 'send', text: 'x'.repeat(30), nonce: 'before' });
    expect((await client.next('message')).text).toBe('x'.repeat(30));

    const response = await putConfig(chain.root, chain.messages[0], channel);
    expect(await response.json()).toMatchObject({ outcome: 'applied', room: `channel-${channel}` });
    client.sendJson({ type: 'send', text: 'x'.repeat(30), nonce: 'after' });
    expect(await client.next('error')).toMatchObject({ code: 'too_long' });
    client.sendJson({ type: 'send', text: 'short one', nonce: 'short' });
    expect((await client.next('message')).text).toBe('short one');

    expect((await putConfig(chain.root, chain.messages[1], channel)).status).toBe(200);
    client.sendJson({ type: 'send', text: 'a spoiler', nonce: 'word' });
    expect(await client.next('error')).toMatchObject({ code: 'banned_word' });
    await client.close();
  });

  it('the room holds the rules of the configuration, and a PUT without ?channel= leaves the room alone', async () => {
    const channel = uniqueChannel('rules');
    const chain = await buildChain(channel, [replace('/chat/rateLimit', { messages: 10, perSeconds: 20 }), replace('/chat/slowModeSeconds', 30)]);
    expect((await putConfig(chain.root, chain.messages[0], channel)).status).toBe(200);
    const rules = async () => ((await (await internalFetch(`/internal/rooms/channel-${channel}/rules`, 'GET')).json()) as { rules: Record<string, unknown> }).rules;
    expect(await rules()).toEqual({ maxLength: 500, burst: 10, ratePerSecond: 0.5, slowModeSeconds: 0, bannedWords: [], guests: 'write' });
    expect((await putConfig(chain.root, chain.messages[1])).status).toBe(200);
    expect((await rules()).slowModeSeconds).toBe(0);
  });
});
