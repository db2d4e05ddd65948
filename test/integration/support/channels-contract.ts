/** One suite for channels as the origin serves them, run on every database backend the origin opens. */
import { S3Client } from '@aws-sdk/client-s3';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelList, ChannelPageData, ChannelView } from '../../../contracts/channels.ts';
import { channelPageRoutes } from '../../../origin/src/channels/page-routes.ts';
import { createLiveInput } from '../../../origin/src/live/live-input-rows.ts';
import { publicKeySet } from '../../../origin/src/keys/signing-keys.ts';
import { PlaybackClaims, watchRoom } from '../../../contracts/playback-token.ts';
import { createOriginApp } from '../../../origin/src/app.ts';
import { createApiToken, verifyApiToken } from '../../../origin/src/db/api-tokens.ts';
import type { Sql } from '../../../origin/src/db/sql.ts';
import { startJwksSync } from '../../../origin/src/keys/edge-sync.ts';
import type { TusUploads } from '../../../origin/src/uploads/tus-server.ts';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

export function describeChannelsContract(name: string, open: () => Promise<Sql>): void {
  describe(`channels on ${name}, through the origin's /v1`, () => {
    let sql: Sql;
    let app: ReturnType<typeof createOriginApp>;
    let admin: string;
    let reader: string;
    const log = pino({ level: 'silent' });
    const internalSecret = 'channels-contract-internal-secret';

    beforeAll(async () => {
      sql = await open();
      admin = (await createApiToken(sql, 'channels admin')).token;
      reader = (await createApiToken(sql, 'channels reader', ['videos:read'])).token;
      const sync = startJwksSync({ sql, edgeUrl: 'http://127.0.0.1:9', internalSecret: undefined, log });
      const signing = { sql, sync, edgeUrl: 'http://edge.test' };
      app = createOriginApp({
        internal: { channelPages: channelPageRoutes({ signing, internalSecret }) },
        log,
        healthChecks: [],
        api: {
          verifyToken: (token) => verifyApiToken(sql, token),
          // Creating and changing videos touches neither storage nor uploads; nothing here deletes a video.
          videos: { sql, s3: new S3Client({ region: 'us-east-1' }), buckets: { raw: 'vora-raw', media: 'vora-media' }, events: { publish: async () => {} } as never, log, publicUrl: 'http://origin.test', grantTtlSeconds: 600 },
          uploads: {} as TusUploads,
          keys: signing,
          channels: { sql, log },
        },
      });
    }, 120_000);
    afterAll(() => sql?.close());

    const call = async (method: string, path: string, body?: unknown, token = admin) => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const tokenClaims = async (videoId: string) => PlaybackClaims.parse(decodeJwt((await call('POST', `/v1/videos/${videoId}/token`, {})).body.token));

    it('creates, lists, shows and changes a channel; a taken id is a 409 and a bad one a 400 naming the field', async () => {
      const id = unique('show');
      const created = await call('POST', '/v1/channels', { id, title: 'My show', avatarUrl: 'https://example.com/me.png' });
      expect(created.status).toBe(201);
      expect(ChannelView.parse(created.body)).toMatchObject({ id, title: 'My show', description: '', avatarUrl: 'https://example.com/me.png', room: `channel-${id}`, videoCount: 0 });

      expect((await call('POST', '/v1/channels', { id, title: 'again' })).status).toBe(409);
      const badAvatar = await call('POST', '/v1/channels', { id: unique('x'), title: 't', avatarUrl: 'javascript:alert(1)' });
      expect(badAvatar.status).toBe(400);
      expect(badAvatar.body.error.message).toMatch(/avatarUrl must be an http\(s\) URL/);
      expect((await call('POST', '/v1/channels', { id: 'no/slash', title: 't' })).status).toBe(400);
      expect((await call('POST', '/v1/channels', { id: unique('x'), title: 't', titel: 'typo' })).status).toBe(400);

      const listed = ChannelList.parse((await call('GET', '/v1/channels', undefined, reader)).body);
      expect(listed.channels.map((channel) => channel.id)).toContain(id);

      const changed = await call('PATCH', `/v1/channels/${id}`, { description: 'weekly', avatarUrl: null });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ title: 'My show', description: 'weekly', avatarUrl: null });
      expect((await call('GET', `/v1/channels/${id}`)).body).toMatchObject({ description: 'weekly', avatarUrl: null });
      expect((await call('PATCH', `/v1/channels/${id}`, {})).status).toBe(400);
      expect((await call('GET', `/v1/channels/${unique('missing')}`)).status).toBe(404);
    });

    it('lets a videos:read token read channels but not write them', async () => {
      const refused = await call('POST', '/v1/channels', { id: unique('r'), title: 't' }, reader);
      expect(refused.status).toBe(403);
      expect(refused.body.missingScope).toBe('admin');
    });

    it("puts a channel's videos in its one shared room, lets one video have its own, and refuses an unknown channel", async () => {
      const id = unique('room');
      await call('POST', '/v1/channels', { id, title: 'Rooms' });
      const unknown = await call('POST', '/v1/videos', { title: 'lost', channelId: unique('nobody') });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.message).toMatch(/does not exist: create it first with `vora channels create/);

      const first = (await call('POST', '/v1/videos', { title: 'one', channelId: id })).body;
      const second = (await call('POST', '/v1/videos', { title: 'two', channelId: id })).body;
      expect([first.chatRoom, second.chatRoom]).toEqual(['channel', 'channel']);
      expect((await call('GET', `/v1/channels/${id}`)).body.videoCount).toBe(2);
      expect(watchRoom(await tokenClaims(first.id))).toBe(`channel-${id}`);
      expect(watchRoom(await tokenClaims(second.id))).toBe(`channel-${id}`);

      const own = await call('PATCH', `/v1/videos/${second.id}`, { chatRoom: 'video' });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ channelId: id, chatRoom: 'video' });
      expect(watchRoom(await tokenClaims(second.id))).toBe(`video-${second.id}`);
      await call('PATCH', `/v1/videos/${second.id}`, { chatRoom: 'off' });
      expect(watchRoom(await tokenClaims(second.id))).toBeNull();

      const alone = (await call('POST', '/v1/videos', { title: 'alone' })).body;
      expect(watchRoom(await tokenClaims(alone.id))).toBe(`video-${alone.id}`);
      expect((await call('PATCH', `/v1/videos/${alone.id}`, { channelId: unique('nobody') })).status).toBe(422);
      expect((await call('PATCH', `/v1/videos/${alone.id}`, { channelId: id })).body.channelId).toBe(id);
      expect(watchRoom(await tokenClaims(alone.id))).toBe(`channel-${id}`);
    });

    it("gives the edge a channel page: public playable videos newest first with tokens that open them, and the live input while on air", async () => {
      const id = unique('page');
      await call('POST', '/v1/channels', { id, title: 'Paged', description: 'weekly', avatarUrl: 'https://example.com/a.png' });
      const make = async (title: string, visibility: 'public' | 'unlisted', state: string) => {
        const video = (await call('POST', '/v1/videos', { title, channelId: id, visibility })).body;
        await sql.query('UPDATE videos SET state = $2 WHERE id = $1', [video.id, state]);
        return video.id as string;
      };
      const older = await make('older', 'public', 'READY');
      const newer = await make('newer', 'public', 'PLAYABLE');
      await make('hidden', 'unlisted', 'READY');
      await make('processing', 'public', 'PROCESSING');
      const publicLater = await make('made public later', 'unlisted', 'READY');
      expect((await call('PATCH', `/v1/videos/${publicLater}`, { visibility: 'public' })).body.visibility).toBe('public');

      const page = async () => {
        const response = await app.request(`/internal/channels/${id}/page`, { headers: { authorization: `Bearer ${internalSecret}` } });
        return { status: response.status, body: (await response.json()) as any };
      };
      const offline = ChannelPageData.parse((await page()).body);
      expect(offline.channel).toEqual({ id, title: 'Paged', description: 'weekly', avatarUrl: 'https://example.com/a.png' });
      expect(offline.videos.map((video) => video.id)).toEqual([publicLater, newer, older]);
      expect(offline.live).toBeNull();
      const keys = createLocalJWKSet(await publicKeySet(sql));
      const claims = PlaybackClaims.parse((await jwtVerify(offline.videos[0]!.token, keys)).payload);
      expect(claims).toMatchObject({ sub: publicLater, channel: id, chat: 'channel' });

      const { liveInput } = await createLiveInput(sql, { title: 'On air', channelId: id, reconnectWindowSeconds: 60, recording: true });
      expect(ChannelPageData.parse((await page()).body).live).toBeNull();
      await sql.query(`UPDATE live_inputs SET status = 'live' WHERE id = $1`, [liveInput.id]);
      const onAir = ChannelPageData.parse((await page()).body);
      expect(onAir.live).toMatchObject({ inputId: liveInput.id, title: 'On air' });
      expect(PlaybackClaims.parse((await jwtVerify(onAir.live!.token, keys)).payload)).toMatchObject({ sub: liveInput.id, live: true, channel: id, chat: 'channel' });

      expect((await app.request(`/internal/channels/${id}/page`)).status).toBe(401);
      expect((await app.request(`/internal/channels/${unique('none')}/page`, { headers: { authorization: `Bearer ${internalSecret}` } })).status).toBe(404);
    });

    it('detaches its videos when a channel is deleted, in one transaction, and forgets the channel', async () => {
      const id = unique('gone');
      await call('POST', '/v1/channels', { id, title: 'Gone soon' });
      const video = (await call('POST', '/v1/videos', { title: 'stays', channelId: id })).body;
      const deleted = await call('DELETE', `/v1/channels/${id}`);
      expect(deleted).toEqual({ status: 200, body: { id, deleted: true, detached: { videos: 1, liveInputs: 0 } } });
      expect((await call('GET', `/v1/videos/${video.id}`)).body).toMatchObject({ channelId: null, chatRoom: 'channel' });
      expect(watchRoom(await tokenClaims(video.id))).toBe(`video-${video.id}`);
      expect((await call('GET', `/v1/channels/${id}`)).status).toBe(404);
      expect((await call('DELETE', `/v1/channels/${id}`)).status).toBe(404);
      const rows = await sql.query('SELECT id FROM channels WHERE id = $1', [id]);
      expect(rows.rows).toEqual([]);
    });
  });
}
