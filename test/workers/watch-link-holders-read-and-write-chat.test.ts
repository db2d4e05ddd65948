import { describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { chatToken, playbackToken } from './chat-keys.ts';
import { openRoom, setRoomRules, upgradeToRoom, type RoomClient } from './helpers.ts';

// Anyone holding a watch link (a playback token) reads the room beside the video; with a display name, writes.

const uniqueChannel = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
/** A playback token as the origin mints it for a video of `channel` (chat claim: the channel's shared room). */
const watchLink = (channel: string, video = `vid_${crypto.randomUUID().slice(0, 8)}`, chat: 'channel' | 'video' | 'off' = 'channel') =>
  playbackToken({ sub: video, channel, chat });

async function refusal(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = ApiErrorBody.parse(await response.json());
  return { status: response.status, ...body.error };
}

async function send(client: RoomClient, text: string) {
  client.sendJson({ type: 'send', text, nonce: crypto.randomUUID() });
}

describe('joining a room with the watch link', () => {
  it('reads without a name: history and live messages, a welcome that says a name is needed to write, and a refused send', async () => {
    const channel = uniqueChannel('read');
    const room = `channel-${channel}`;
    const host = await openRoom(room, { user: { id: 'host', name: 'Host', role: 'broadcaster' } });
    host.sendJson({ type: 'send', text: 'before anyone came', nonce: 'n0' });
    await host.next('message');

    const reader = await openRoom(room, { playback: { token: await watchLink(channel), viewer: 'browser-aaaa', ip: '198.51.100.7' } });
    expect((await reader.next('history')).messages.map((message) => message.text)).toEqual(['before anyone came']);
    const welcome = await reader.next('welcome');
    expect(welcome).toMatchObject({ canWrite: false, reason: 'name_required', user: { name: 'Guest', role: 'guest' } });
    expect(welcome.user.id).toMatch(/^guest-[A-Za-z0-9_-]{22}$/);

    host.sendJson({ type: 'send', text: 'live now', nonce: 'n1' });
    expect((await reader.next('message')).text).toBe('live now');
    await send(reader, 'can I talk?');
    expect(await reader.next('error')).toMatchObject({ code: 'name_required' });
    await Promise.all([host.close(), reader.close()]);
  });

  it('writes under a display name, as a guest whose id stays the same for one browser on one network', async () => {
    const channel = uniqueChannel('write');
    const room = `channel-${channel}`;
    const token = await watchLink(channel);
    const ada = await openRoom(room, { playback: { token, name: '  Ada   Lovelace ', viewer: 'browser-ada1', ip: '198.51.100.8' } });
    expect(await ada.next('welcome')).toMatchObject({ canWrite: true, user: { name: 'Ada Lovelace', role: 'guest' } });
    await send(ada, 'hello');
    const message = await ada.next('message');
    expect(message).toMatchObject({ text: 'hello', user: { name: 'Ada Lovelace', role: 'guest' } });

    const again = await openRoom(room, { playback: { token, name: 'Ada', viewer: 'browser-ada1', ip: '198.51.100.8' } });
    expect((await again.next('welcome')).user.id).toBe(message.user.id);
    const otherBrowser = await openRoom(room, { playback: { token, name: 'Ada', viewer: 'browser-ada2', ip: '198.51.100.8' } });
    expect((await otherBrowser.next('welcome')).user.id).not.toBe(message.user.id);
    await Promise.all([ada.close(), again.close(), otherBrowser.close()]);
  });

  it("refuses a token whose video chats elsewhere or not at all, a bad name, and no credential, each naming why", async () => {
    const channel = uniqueChannel('refuse');
    const otherRoom = await refusal(await upgradeToRoom(`channel-${uniqueChannel('other')}`, { playback: { token: await watchLink(channel) } }));
    expect(otherRoom).toMatchObject({ status: 403, code: 'forbidden', message: expect.stringContaining(`(channel-${channel})`) });
    const ownRoomVideo = await watchLink(channel, 'vid_own', 'video');
    expect((await upgradeToRoom(`channel-${channel}`, { playback: { token: ownRoomVideo } })).status).toBe(403);
    const ownRoom = await upgradeToRoom('video-vid_own', { playback: { token: ownRoomVideo } });
    expect(ownRoom.status).toBe(101);
    ownRoom.webSocket!.accept();
    ownRoom.webSocket!.close(1000, 'test done');
    const off = await refusal(await upgradeToRoom(`channel-${channel}`, { playback: { token: await watchLink(channel, 'vid_off', 'off') } }));
    expect(off.message).toMatch(/has no chat/);
    const expired = await playbackToken({ sub: 'vid_x', channel, chat: 'channel', exp: Math.floor(Date.now() / 1000) - 120 });
    expect(await refusal(await upgradeToRoom(`channel-${channel}`, { playback: { token: expired } }))).toMatchObject({ status: 401, message: expect.stringMatching(/expired/) });
    const badName = await refusal(await upgradeToRoom(`channel-${channel}`, { playback: { token: await watchLink(channel), name: 'Ada\u202E' } }));
    expect(badName).toMatchObject({ status: 400, code: 'invalid_name', message: expect.stringMatching(/control or invisible/) });
    const tooLong = await refusal(await upgradeToRoom(`channel-${channel}`, { playback: { token: await watchLink(channel), name: 'x'.repeat(33) } }));
    expect(tooLong.message).toMatch(/at most 32 characters/);
  });

  it('keeps guests to reading when the channel says so, while chat-token holders still write', async () => {
    const channel = uniqueChannel('members');
    const room = `channel-${channel}`;
    await setRoomRules(room, { guests: 'read' });
    const guest = await openRoom(room, { playback: { token: await watchLink(channel), name: 'Bo', viewer: 'browser-bo01', ip: '198.51.100.9' } });
    expect(await guest.next('welcome')).toMatchObject({ canWrite: false, reason: 'members_only' });
    await send(guest, 'let me in');
    expect(await guest.next('error')).toMatchObject({ code: 'members_only' });
    const member = await openRoom(room, { user: { name: 'Member' } });
    expect(await member.next('welcome')).toMatchObject({ canWrite: true, user: { role: 'viewer' } });
    await send(member, 'members speak');
    expect((await guest.next('message')).text).toBe('members speak');
    await Promise.all([guest.close(), member.close()]);
  });

  it('rate-limits each guest, and guests of one network together, so a new browser id buys no new messages', async () => {
    const channel = uniqueChannel('rate');
    const room = `channel-${channel}`;
    await setRoomRules(room, { burst: 1, ratePerSecond: 0.01 });
    const token = await watchLink(channel);
    const first = await openRoom(room, { playback: { token, name: 'One', viewer: 'browser-0001', ip: '203.0.113.5' } });
    await send(first, 'one');
    expect((await first.next('message')).text).toBe('one');
    await send(first, 'one more');
    expect(await first.next('error')).toMatchObject({ code: 'rate_limited', message: 'you are sending too fast: wait a moment' });

    // The network's bucket holds 4 (GUEST_NETWORK_FACTOR × burst 1): three more browsers on that IP get one message each, the next none.
    const outcomes: string[] = [];
    for (let i = 2; i <= 5; i += 1) {
      const client = await openRoom(room, { playback: { token, name: `Guest ${i}`, viewer: `browser-000${i}`, ip: '203.0.113.5' } });
      await send(client, `from ${i}`);
      const frame = await client.nextOf(['message', 'error']);
      outcomes.push(frame.type === 'message' ? `message ${frame.text}` : `error ${frame.message}`);
      await client.close();
    }
    expect(outcomes).toEqual(['message from 2', 'message from 3', 'message from 4', 'error this network is sending too fast: wait a moment']);

    const elsewhere = await openRoom(room, { playback: { token, name: 'Elsewhere', viewer: 'browser-0006', ip: '203.0.113.99' } });
    await send(elsewhere, 'another network');
    expect(await elsewhere.nextOf(['message', 'error'])).toMatchObject({ type: 'message', text: 'another network' });
    await Promise.all([first.close(), elsewhere.close()]);
  });

  it('applies slow mode to guests, and lets a moderator ban one for good', async () => {
    const channel = uniqueChannel('moderate');
    const room = `channel-${channel}`;
    await setRoomRules(room, { slowModeSeconds: 60 });
    const guestOptions = { playback: { token: await watchLink(channel), name: 'Troll', viewer: 'browser-troll', ip: '192.0.2.44' } };
    const guest = await openRoom(room, guestOptions);
    const { user } = await guest.next('welcome');
    await send(guest, 'first');
    expect((await guest.next('message')).text).toBe('first');
    await send(guest, 'second');
    expect(await guest.next('error')).toMatchObject({ code: 'slow_mode' });

    const moderator = await openRoom(room, { token: await chatToken(room, { id: 'mod', name: 'Mod', role: 'moderator' }) });
    moderator.sendJson({ type: 'ban', userId: user.id });
    expect(await guest.closed).toBe(4003);
    expect(await refusal(await upgradeToRoom(room, guestOptions))).toMatchObject({ status: 403, code: 'banned' });
    await moderator.close();
  });

  it('overwrites what a client sends as the guest header: a chat-token user cannot make itself a guest, a guest cannot make itself named', async () => {
    const channel = uniqueChannel('forge');
    const room = `channel-${channel}`;
    const forged = { 'X-Vora-Chat-Guest': JSON.stringify({ network: 'forged-network', named: true }), 'X-Vora-Chat-User': JSON.stringify({ id: 'host', name: 'Host', role: 'broadcaster' }) };
    const member = await openRoom(room, { user: { id: 'plain', name: 'Plain' }, headers: forged });
    expect(await member.next('welcome')).toMatchObject({ canWrite: true, user: { id: 'plain', role: 'viewer' } });
    const guest = await openRoom(room, { playback: { token: await watchLink(channel), viewer: 'browser-forge' }, headers: forged });
    expect(await guest.next('welcome')).toMatchObject({ canWrite: false, reason: 'name_required', user: { role: 'guest' } });
    await Promise.all([member.close(), guest.close()]);
  });
});
