import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mediaContentType, putBodyOnce, type PutOnceOutcome } from './put-once.ts';
import type { TranscoderStorage } from './s3-client.ts';

/**
 * Stores a generated media playlist. `once`: write-once like every other object (VOD playlists). `grow`: the EVENT
 * playlist of a progressive rung, the only object Vora ever rewrites — each version lists what the last one did and more.
 */
export async function putPlaylist(storage: TranscoderStorage, key: string, text: string, mode: 'once' | 'grow'): Promise<PutOnceOutcome> {
  const body = Buffer.from(text, 'utf8');
  if (mode === 'once') return putBodyOnce(storage.s3, storage.mediaBucket, key, body, mediaContentType(key));
  await storage.s3.send(new PutObjectCommand({ Bucket: storage.mediaBucket, Key: key, Body: body, ContentType: mediaContentType(key) }));
  return { kind: 'written', size: body.length };
}
