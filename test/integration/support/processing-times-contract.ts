import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessingStats } from '../../../contracts/processing-stats.ts';
import { recordRendition } from '../../../origin/src/db/renditions.ts';
import type { Sql } from '../../../origin/src/db/sql.ts';
import { createVideo, getVideo, transitionVideo } from '../../../origin/src/db/videos.ts';
import { processingStatsRoutes } from '../../../origin/src/stats/processing-routes.ts';

const at = (iso: string) => new Date(iso);
const day = Date.UTC(2001, 0, 1);

/** A video moved through the real transitions, then given exact times (so the percentiles are known). */
async function finishedVideo(sql: Sql, options: { durationSeconds: number; fast: boolean; finishedAt: number; ttpSeconds: number; ttrSeconds: number | null }): Promise<string> {
  const video = await createVideo(sql, { title: 'processing times' });
  for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'PLAYABLE']] as const) await transitionVideo(sql, video.id, [from], to);
  if (options.ttrSeconds !== null) await transitionVideo(sql, video.id, ['PLAYABLE'], 'READY');
  const rendition = { videoId: video.id, width: 640, height: 360, bandwidth: 1, averageBandwidth: 1, codecs: 'avc1.64001e', frameRate: 30 };
  await recordRendition(sql, { ...rendition, name: options.fast ? 'src' : '360p', playlistKey: `${video.id}/x/playlist.m3u8` });
  await sql.query('UPDATE videos SET duration_seconds = $2, upload_finished_at = $3, playable_at = $4, ready_at = $5 WHERE id = $1', [
    video.id, options.durationSeconds, new Date(options.finishedAt), new Date(options.finishedAt + options.ttpSeconds * 1000),
    options.ttrSeconds === null ? null : new Date(options.finishedAt + options.ttrSeconds * 1000),
  ]);
  return video.id;
}

/** Processing times and their published percentiles, on every metadata-database backend. */
export function describeProcessingTimesContract(name: string, open: () => Promise<Sql>): void {
  describe(`processing times: ${name}`, () => {
    let sql: Sql;
    beforeAll(async () => {
      sql = await open();
    }, 120_000);
    afterAll(() => sql?.close());

    it('records upload-finished, PLAYABLE and READY at the state changes themselves, in order', async () => {
      const video = await createVideo(sql, { title: 'times' });
      await transitionVideo(sql, video.id, ['CREATED'], 'UPLOADING');
      expect((await sql.query('SELECT upload_finished_at FROM videos WHERE id = $1', [video.id])).rows[0]).toEqual({ upload_finished_at: null });
      for (const [from, to] of [['UPLOADING', 'PROCESSING'], ['PROCESSING', 'PLAYABLE'], ['PLAYABLE', 'READY']] as const) await transitionVideo(sql, video.id, [from], to);
      const { rows } = await sql.query<{ upload_finished_at: Date; playable_at: Date; ready_at: Date }>('SELECT upload_finished_at, playable_at, ready_at FROM videos WHERE id = $1', [video.id]);
      const times = rows[0]!;
      expect(new Date(times.upload_finished_at).getTime()).toBeLessThanOrEqual(new Date(times.playable_at).getTime());
      expect(new Date(times.playable_at).getTime()).toBeLessThanOrEqual(new Date(times.ready_at).getTime());
      expect((await getVideo(sql, video.id))?.state).toBe('READY');
    });

    it('counts a video that went straight to READY as playable from then on, and keeps the first time of each', async () => {
      const video = await createVideo(sql, { title: 'straight' });
      for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(sql, video.id, [from], to);
      const { rows } = await sql.query<{ playable_at: Date; ready_at: Date }>('SELECT playable_at, ready_at FROM videos WHERE id = $1', [video.id]);
      expect(rows[0]!.playable_at).toEqual(rows[0]!.ready_at);
      await sql.query(`UPDATE videos SET title = 'renamed' WHERE id = $1`, [video.id]);
      expect((await sql.query<{ ready_at: Date }>('SELECT ready_at FROM videos WHERE id = $1', [video.id])).rows[0]!.ready_at).toEqual(rows[0]!.ready_at);
    });

    it('publishes median and p95 by duration bucket and path over the window, with totals (GET /v1/stats/processing)', async () => {
      // 2001-01-01..07: 20 fast 30 s videos (TTP 1..20 s, TTR 10× that), 2 encoded 30 s ones, 1 fast 3-min one still processing the ladder.
      for (let i = 1; i <= 20; i += 1) await finishedVideo(sql, { durationSeconds: 30, fast: true, finishedAt: day + i * 3_600_000, ttpSeconds: i, ttrSeconds: i * 10 });
      await finishedVideo(sql, { durationSeconds: 59.9, fast: false, finishedAt: day + 86_400_000, ttpSeconds: 4, ttrSeconds: 60 });
      await finishedVideo(sql, { durationSeconds: 10, fast: false, finishedAt: day + 86_400_000, ttpSeconds: 6, ttrSeconds: 80 });
      await finishedVideo(sql, { durationSeconds: 180, fast: true, finishedAt: day + 2 * 86_400_000, ttpSeconds: 2.5, ttrSeconds: null });
      // Outside the window: finished the day before.
      await finishedVideo(sql, { durationSeconds: 30, fast: true, finishedAt: day - 3_600_000, ttpSeconds: 999, ttrSeconds: 999 });

      const routes = processingStatsRoutes({ sql, now: () => day + 7 * 86_400_000 });
      const response = await routes.request('/processing?window=7d');
      expect(response.status).toBe(200);
      const stats = (await response.json()) as ProcessingStats;
      expect(stats).toMatchObject({ from: at('2001-01-01T00:00:00.000Z').toISOString(), to: at('2001-01-08T00:00:00.000Z').toISOString() });
      const group = (bucket: string, path: string) => stats.groups.find((g) => g.durationBucket === bucket && g.path === path);
      expect(stats.groups.map((g) => `${g.durationBucket}/${g.path}`)).toEqual(['0-1m/fast', '0-1m/encode', '0-1m/all', '1-5m/fast', '1-5m/all', 'all/all']);
      expect(group('0-1m', 'fast')).toEqual({ durationBucket: '0-1m', path: 'fast', timeToPlayable: { videos: 20, median: 10.5, p95: 19.05 }, timeToReady: { videos: 20, median: 105, p95: 190.5 } });
      expect(group('0-1m', 'encode')).toMatchObject({ timeToPlayable: { videos: 2, median: 5 }, timeToReady: { videos: 2, median: 70 } });
      expect(group('1-5m', 'fast')).toMatchObject({ timeToPlayable: { videos: 1, median: 2.5, p95: 2.5 }, timeToReady: { videos: 0, median: null, p95: null } });
      expect(group('all', 'all')).toMatchObject({ timeToPlayable: { videos: 23 }, timeToReady: { videos: 22 } });
    });

    it('refuses a window that is not a duration, or longer than a year', async () => {
      const routes = processingStatsRoutes({ sql });
      const bad = await routes.request('/processing?window=yesterday');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/window.*30m, 24h or 7d/) } });
      expect((await routes.request('/processing?window=400d')).status).toBe(400);
    });
  });
}
