import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { PlaylistSegment } from '../media/media-playlist.ts';
import { playlistSegments } from '../media/rendition-stats.ts';
import { mediaContentType, putOnce, type PutOnceOutcome } from './put-once.ts';

export interface RenditionTarget {
  s3: S3Client;
  bucket: string;
  /** `{videoId}/{name}/`: every file goes under it. */
  keyPrefix: string;
  /** The local directory FFmpeg writes the rung into (`playlist.m3u8`, `init.mp4`, `seg_NNNNN.m4s`). */
  dir: string;
  /** PUTs in flight at once (segments are a few MB each). */
  parallelPuts?: number;
  /** False for every chunk but the first of a chunked encode: the joined playlist names one init segment. */
  withInit?: boolean;
}

const segmentName = /^seg_\d{5,9}\.m4s$/;

/**
 * Follows one rung while FFmpeg writes it and stores init + each closed segment write-once, in playlist order.
 * FFmpeg rewrites its local EVENT playlist atomically (temp file + rename) each time a segment closes, so a segment
 * it lists is complete: that listing, not the directory, says what may be uploaded. Playlists are the caller's.
 */
export class RenditionPublisher {
  /** Stored byte size of every file, by name (what BANDWIDTH is computed from). */
  readonly sizes = new Map<string, number>();
  readonly outcomes: Record<PutOnceOutcome['kind'], number> = { written: 0, identical: 0, 'kept-existing': 0 };
  private listed: PlaylistSegment[] = [];
  private storedCount = 0;
  private initStored = false;
  private mapUri = 'init.mp4';

  constructor(private readonly target: RenditionTarget) {}

  /** The segments stored so far: always a prefix of FFmpeg's playlist. */
  stored(): PlaylistSegment[] {
    return this.listed.slice(0, this.storedCount);
  }

  get initUri(): string {
    return this.mapUri;
  }

  /** Reads FFmpeg's playlist and stores what it lists that is not stored yet. Callers never run two at once. */
  async sync(onFile?: () => void): Promise<void> {
    let text: string;
    try {
      text = await readFile(join(this.target.dir, 'playlist.m3u8'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // no segment closed yet
      throw error;
    }
    const parsed = playlistSegments(text);
    if (!parsed.ok) return;
    const strange = parsed.segments.find((segment) => !segmentName.test(segment.uri));
    if (strange) throw new Error(`FFmpeg listed an unexpected segment name ${JSON.stringify(strange.uri)} in ${this.target.dir}`);
    this.listed = parsed.segments;
    if (!this.initStored) {
      this.mapUri = parsed.mapUri ?? 'init.mp4';
      if (this.target.withInit !== false) await this.put(this.mapUri);
      this.initStored = true;
      onFile?.();
    }
    const parallel = this.target.parallelPuts ?? 4;
    while (this.storedCount < this.listed.length) {
      const batch = this.listed.slice(this.storedCount, this.storedCount + parallel);
      await Promise.all(batch.map((segment) => this.put(segment.uri)));
      this.storedCount += batch.length;
      onFile?.();
    }
  }

  private async put(file: string): Promise<void> {
    const outcome = await putOnce(this.target.s3, this.target.bucket, `${this.target.keyPrefix}${file}`, join(this.target.dir, file), mediaContentType(file));
    this.sizes.set(file, outcome.size);
    this.outcomes[outcome.kind] += 1;
  }
}
