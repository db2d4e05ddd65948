import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../origin/src/db/migrate.ts';
import { schemaMigrations } from '../../../origin/src/db/migrations.ts';
import { isUniqueViolation, type Sql } from '../../../origin/src/db/sql.ts';
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from '../../../origin/src/db/api-tokens.ts';
import { consumeUploadGrant, issueUploadGrant } from '../../../origin/src/db/upload-grants.ts';
import { listRenditions, recordRendition } from '../../../origin/src/db/renditions.ts';
import { abandonShieldPurge, completeShieldPurge, deferShieldPurge, dueShieldPurges, pendingShieldPurgesOf, requestShieldPurges, shieldPurgesOf } from '../../../origin/src/db/shield-purges.ts';
import { completeTranscodeStart, deferTranscodeStart, dueTranscodeStarts, pendingTranscodeStart, quietTranscodingVideos, requestTranscodeStart } from '../../../origin/src/db/transcode-starts.ts';
import { createVideo, getVideo, InvalidCursorError, listVideos, transitionVideo, type Video } from '../../../origin/src/db/videos.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const uniqueChannel = () => `chan_${Math.random().toString(36).slice(2)}`;

async function videoIn(sql: Sql, state: 'CREATED' | 'PROCESSING'): Promise<Video> {
  const video = await createVideo(sql, { title: 'contract' });
  if (state === 'CREATED') return video;
  await transitionVideo(sql, video.id, ['CREATED'], 'UPLOADING');
  const moved = await transitionVideo(sql, video.id, ['UPLOADING'], 'PROCESSING');
  if (!moved.ok) throw new Error('setup could not reach PROCESSING');
  return moved.video;
}

/**
 * One suite for every metadata-database backend (as tus-node-server tests every store).
 * `open` returns a migrated handle on the same database each time it is called.
 */
export function describeDatabaseContract(name: string, open: () => Promise<Sql>): void {
  describe(`metadata database contract: ${name}`, () => {
    let sql: Sql;
    beforeAll(async () => {
      const started = performance.now();
      sql = await open();
      console.info(`[${name}] open + migrate: ${Math.round(performance.now() - started)} ms`);
    }, 120_000);
    afterAll(() => sql?.close());

    it('applies migrations once, however often and however concurrently it is opened', async () => {
      const before = (await sql.query<{ version: number; applied_at: Date }>('SELECT version, applied_at FROM schema_migrations ORDER BY version')).rows;
      expect(before.map((row) => row.version)).toEqual(schemaMigrations.map((migration) => migration.version));
      expect(await Promise.all([migrate(sql), migrate(sql)])).toEqual([[], []]);
      const kept = await createVideo(sql, { title: 'survives reopening' });
      await sql.close();
      sql = await open();
      const after = (await sql.query<{ version: number; applied_at: Date }>('SELECT version, applied_at FROM schema_migrations ORDER BY version')).rows;
      expect(after).toEqual(before);
      expect(await getVideo(sql, kept.id)).toEqual(kept);
    }, 60_000);

    it('keeps a pending transcode start until it is completed, defers it with its error, and drops it once the video no longer waits', async () => {
      const video = await videoIn(sql, 'PROCESSING');
      const gone = await videoIn(sql, 'PROCESSING');
      await sql.transaction(async (tx) => {
        await requestTranscodeStart(tx, video.id, 'uploads/a');
        await requestTranscodeStart(tx, gone.id, 'uploads/b');
      });
      await requestTranscodeStart(sql, video.id, 'uploads/a'); // a repeated finish: still one row
      const now = new Date(Date.now() + 1_000);
      expect((await dueTranscodeStarts(sql, now, 1_000)).filter((s) => s.videoId === video.id)).toEqual([{ videoId: video.id, sourceKey: 'uploads/a', attempts: 0 }]);
      await deferTranscodeStart(sql, video.id, new Date(now.getTime() + 60_000), 'Temporal did not answer');
      expect((await dueTranscodeStarts(sql, now, 1_000)).map((s) => s.videoId)).not.toContain(video.id);
      expect(await pendingTranscodeStart(sql, video.id)).toEqual({ videoId: video.id, sourceKey: 'uploads/a', attempts: 1 });
      expect((await quietTranscodingVideos(sql, new Date(Date.now() + 60_000), 1_000)).map((v) => v.videoId)).not.toContain(video.id);
      await completeTranscodeStart(sql, video.id);
      expect(await pendingTranscodeStart(sql, video.id)).toBeNull();
      expect(await quietTranscodingVideos(sql, new Date(Date.now() + 60_000), 1_000)).toContainEqual({ videoId: video.id, state: 'PROCESSING' });
      await transitionVideo(sql, gone.id, ['PROCESSING'], 'DELETED');
      await dueTranscodeStarts(sql, now, 1_000);
      expect(await pendingTranscodeStart(sql, gone.id)).toBeNull();
    });

    it('keeps a shield purge per (video, shield) until done or abandoned; a repeated request starts every one over', async () => {
      const video = await videoIn(sql, 'CREATED');
      const [a, b, c] = ['http://127.0.0.1:8090', 'http://127.0.0.1:8091', 'http://127.0.0.1:8092'];
      const firstAttemptAt = new Date(Date.now() + 60_000);
      await sql.transaction(async (tx) => {
        await transitionVideo(tx, video.id, ['CREATED'], 'DELETED');
        await requestShieldPurges(tx, video.id, [a, b, c], firstAttemptAt);
      });
      const due = async (at: Date) => (await dueShieldPurges(sql, at, 1_000)).filter((purge) => purge.videoId === video.id).map((purge) => purge.shield);
      expect(await due(new Date())).toEqual([]);
      expect(await due(firstAttemptAt)).toEqual([a, b, c]);
      await completeShieldPurge(sql, video.id, a);
      await deferShieldPurge(sql, video.id, b, new Date(firstAttemptAt.getTime() + 2_000), 'could not be reached (ECONNREFUSED)');
      await abandonShieldPurge(sql, video.id, c, 'answered 403 forbidden');
      expect(await due(new Date(firstAttemptAt.getTime() + 1_000))).toEqual([]);
      expect(await due(new Date(firstAttemptAt.getTime() + 2_000))).toEqual([b]);
      const purges = await shieldPurgesOf(sql, video.id);
      expect(purges.map(({ shield, state, attempts, lastError }) => ({ shield, state, attempts, lastError }))).toEqual([
        { shield: a, state: 'done', attempts: 1, lastError: null },
        { shield: b, state: 'pending', attempts: 1, lastError: 'could not be reached (ECONNREFUSED)' },
        { shield: c, state: 'abandoned', attempts: 1, lastError: 'answered 403 forbidden' },
      ]);
      expect(purges[0]!.finishedAt).toBeInstanceOf(Date);
      expect(purges[1]!.finishedAt).toBeNull();
      // Written after the end of a purge, a late outcome changes nothing.
      await deferShieldPurge(sql, video.id, a, new Date(), 'late');
      expect((await shieldPurgesOf(sql, video.id))[0]).toMatchObject({ state: 'done', attempts: 1 });

      await requestShieldPurges(sql, video.id, [a, b, c], new Date());
      const again = await pendingShieldPurgesOf(sql, video.id);
      expect(again.map(({ shield, attempts, lastError, finishedAt }) => ({ shield, attempts, lastError, finishedAt }))).toEqual([a, b, c].map((shield) => ({ shield, attempts: 0, lastError: null, finishedAt: null })));
    });

    it('creates and gets a video; a duplicate id is a unique violation', async () => {
      const video = await createVideo(sql, { title: 'Cats', description: 'two', channelId: 'c1', maxDurationSeconds: 600, source: { bucket: 'vora-raw', key: 'k' } });
      expect(video).toMatchObject({ title: 'Cats', state: 'CREATED', progress: 0, source: { bucket: 'vora-raw', key: 'k' }, failureReason: null });
      expect(video.id).toMatch(/^vid_/);
      expect(await getVideo(sql, video.id)).toEqual(video);
      expect(await getVideo(sql, 'vid_missing')).toBeNull();
      const duplicate = await createVideo(sql, { id: video.id }).catch((error: unknown) => error);
      expect(isUniqueViolation(duplicate)).toBe(true);
    });

    it('pages newest first by (created_at, id) with ties, without skips or repeats', async () => {
      const channelId = uniqueChannel();
      const base = Date.now();
      const times = [0, 1000, 1000, 1000, 2000, 3000, 3000];
      const created = await Promise.all(times.map((offset) => createVideo(sql, { channelId }, new Date(base + offset))));
      const expected = [...created].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((video) => video.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await listVideos(sql, { channelId, limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...result.videos.map((video) => video.id));
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      expect(seen).toEqual(expected);
      await expect(listVideos(sql, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('leaves DELETED videos out of lists unless asked', async () => {
      const channelId = uniqueChannel();
      const video = await createVideo(sql, { channelId });
      expect((await transitionVideo(sql, video.id, ['CREATED'], 'DELETED')).ok).toBe(true);
      expect((await listVideos(sql, { channelId })).videos).toEqual([]);
      expect((await listVideos(sql, { channelId, includeDeleted: true })).videos.map((v) => v.id)).toEqual([video.id]);
    });

    it('moves along the state machine and applies the patch', async () => {
      const video = await videoIn(sql, 'PROCESSING');
      const playable = await transitionVideo(sql, video.id, ['PROCESSING'], 'PLAYABLE', { progress: 0.5, durationSeconds: 12.5 });
      expect(playable).toMatchObject({ ok: true, video: { state: 'PLAYABLE', progress: 0.5, durationSeconds: 12.5 } });
      const ready = await transitionVideo(sql, video.id, ['PROCESSING', 'PLAYABLE'], 'READY', { progress: 1, thumbnailKey: `${video.id}/thumb.jpg` });
      expect(ready).toMatchObject({ ok: true, video: { state: 'READY', progress: 1, durationSeconds: 12.5, thumbnailKey: `${video.id}/thumb.jpg` } });
      expect(await getVideo(sql, video.id)).toMatchObject({ state: 'READY' });
    });

    it('refuses illegal moves and moves from another state, leaving the row unchanged', async () => {
      const video = await videoIn(sql, 'CREATED');
      expect(await transitionVideo(sql, video.id, ['CREATED'], 'READY', { progress: 1 })).toEqual({ ok: false, reason: 'illegal-transition' });
      expect(await transitionVideo(sql, video.id, ['PROCESSING'], 'FAILED', { failureReason: 'x' })).toEqual({ ok: false, reason: 'state-mismatch', current: 'CREATED' });
      expect(await getVideo(sql, video.id)).toEqual(video);
      expect(await transitionVideo(sql, 'vid_missing', ['CREATED'], 'UPLOADING')).toEqual({ ok: false, reason: 'not-found' });
    });

    it('lets exactly one of two concurrent transitions from PROCESSING win', async () => {
      const videos = await Promise.all(Array.from({ length: 8 }, () => videoIn(sql, 'PROCESSING')));
      await Promise.all(videos.map(async (video) => {
        const [ready, failed] = await Promise.all([
          transitionVideo(sql, video.id, ['PROCESSING'], 'READY', { progress: 1 }),
          transitionVideo(sql, video.id, ['PROCESSING'], 'FAILED', { failureReason: 'encoder crashed' }),
        ]);
        expect([ready.ok, failed.ok].filter(Boolean)).toHaveLength(1);
        const loser = ready.ok ? failed : ready;
        const winnerState = ready.ok ? 'READY' : 'FAILED';
        expect(loser).toEqual({ ok: false, reason: 'state-mismatch', current: winnerState });
        const stored = await getVideo(sql, video.id);
        expect(stored).toMatchObject({ state: winnerState, failureReason: ready.ok ? null : 'encoder crashed', progress: ready.ok ? 1 : 0 });
      }));
    });

    it('rolls a failed transaction back', async () => {
      const id = `vid_rollback_${Math.random().toString(36).slice(2)}`;
      await expect(sql.transaction(async (tx) => {
        await createVideo(tx, { id });
        throw new Error('abort on purpose');
      })).rejects.toThrow('abort on purpose');
      expect(await getVideo(sql, id)).toBeNull();
    });

    it('stores only the hash of an API token, verifies it, and stops after revocation', async () => {
      const { token, apiToken } = await createApiToken(sql, 'ci');
      expect(token).toMatch(/^vora_[A-Za-z0-9_-]{43}$/);
      const stored = (await sql.query<{ token_hash: string; whole: string }>('SELECT token_hash, row_to_json(t)::text AS whole FROM api_tokens t WHERE id = $1', [apiToken.id])).rows[0]!;
      expect(stored.token_hash).toBe(sha256(token));
      expect(stored.whole).not.toContain(token.slice(5));
      const verified = await verifyApiToken(sql, token);
      expect(verified).toMatchObject({ id: apiToken.id, name: 'ci', revokedAt: null });
      expect(verified?.lastUsedAt).toBeInstanceOf(Date);
      expect(await verifyApiToken(sql, `${token}x`)).toBeNull();
      expect(await verifyApiToken(sql, '')).toBeNull();
      expect(await revokeApiToken(sql, apiToken.id)).toBe(true);
      expect(await verifyApiToken(sql, token)).toBeNull();
      expect(await revokeApiToken(sql, apiToken.id)).toBe(false);
    });

    it('keeps a token\'s scopes (admin unless told), lists tokens with them, refuses unknown scopes', async () => {
      const { token, apiToken } = await createApiToken(sql, 'reader', ['videos:read', 'keys']);
      expect(apiToken.scopes).toEqual(['videos:read', 'keys']);
      expect((await verifyApiToken(sql, token))?.scopes).toEqual(['videos:read', 'keys']);
      expect((await createApiToken(sql, 'root')).apiToken.scopes).toEqual(['admin']);
      expect((await listApiTokens(sql)).find((listed) => listed.id === apiToken.id)).toMatchObject({ name: 'reader', scopes: ['videos:read', 'keys'], revokedAt: null });
      await expect(createApiToken(sql, 'bad', ['root' as never])).rejects.toThrow();
      await expect(createApiToken(sql, 'none', [])).rejects.toThrow();
    });

    it('consumes an upload grant once, even when consumed concurrently', async () => {
      const video = await videoIn(sql, 'CREATED');
      const grant = await issueUploadGrant(sql, video.id);
      const stored = (await sql.query<{ token_hash: string }>('SELECT token_hash FROM upload_grants WHERE video_id = $1', [video.id])).rows;
      expect(stored).toEqual([{ token_hash: sha256(grant.token) }]);
      const results = await Promise.all(Array.from({ length: 4 }, () => consumeUploadGrant(sql, grant.token)));
      expect(results.filter((result) => result.ok)).toEqual([{ ok: true, videoId: video.id }]);
      expect(results.filter((result) => !result.ok)).toEqual(Array(3).fill({ ok: false, reason: 'used' }));
      expect(await consumeUploadGrant(sql, grant.token)).toEqual({ ok: false, reason: 'used' });
      expect(await consumeUploadGrant(sql, 'upl_unknown')).toEqual({ ok: false, reason: 'unknown' });
    });

    it('refuses an expired upload grant', async () => {
      const video = await videoIn(sql, 'CREATED');
      const now = new Date();
      const grant = await issueUploadGrant(sql, video.id, { ttlSeconds: 60, now });
      expect(await consumeUploadGrant(sql, grant.token, new Date(now.getTime() + 61_000))).toEqual({ ok: false, reason: 'expired' });
      expect(await consumeUploadGrant(sql, grant.token, new Date(now.getTime() + 59_000))).toEqual({ ok: true, videoId: video.id });
    });

    it('records a rendition once and lists highest bandwidth first', async () => {
      const video = await videoIn(sql, 'PROCESSING');
      const low = { videoId: video.id, name: '360p', width: 640, height: 360, bandwidth: 800_000, averageBandwidth: null, codecs: 'avc1.4d401e,mp4a.40.2', frameRate: 30, playlistKey: `${video.id}/360p/index.m3u8` };
      const first = await recordRendition(sql, low);
      expect(await recordRendition(sql, { ...low, bandwidth: 1 })).toEqual(first);
      await recordRendition(sql, { ...low, name: '720p', width: 1280, height: 720, bandwidth: 2_800_000 });
      expect((await listRenditions(sql, video.id)).map((rendition) => [rendition.name, rendition.bandwidth])).toEqual([['720p', 2_800_000], ['360p', 800_000]]);
    });
  });
}
