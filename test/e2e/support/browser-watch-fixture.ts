/** A READY video on a running dev stack, and the tokens a viewer's browser needs: watch link and chat tokens. */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { Upload } from 'tus-js-client';
import type { DevStack } from '../../support/dev-stack.ts';
import { makeClip } from '../../support/media.ts';
import { devStackApi, waitForState, type OperatorApi } from '../../support/operator-api.ts';

export interface WatchFixture {
  videoId: string;
  playbackToken: string;
  watchUrl: string;
  /** A chat JWT for `video-{videoId}` signed with an operator key the edge knows (as an app would sign its own). */
  chatToken(user: { id: string; name: string; role?: 'viewer' | 'moderator' | 'broadcaster' }): Promise<string>;
}

/** A `seconds`-long 640x360 test pattern with a tone: the transcoder makes a 360p-only ladder of it. */
export async function makeWatchClip(dir: string, seconds: number): Promise<string> {
  const clip = join(dir, 'clip.mp4');
  await makeClip(clip, { seconds, size: '640x360', rate: 25 });
  return clip;
}

/** Uploads `clip` with TUS the way `vora upload` does, waits for READY, then mints a watch link and a chat key. */
export async function watchFixture(stack: DevStack, clip: string, readyTimeoutMs = 240_000): Promise<WatchFixture> {
  const api: OperatorApi = (path, call) => devStackApi(stack)(path, { timeoutMs: 10_000, ...call });
  const created = await api('/v1/videos', { method: 'POST', body: { title: 'watch page e2e' } });
  if (created.status !== 201) throw new Error(`POST /v1/videos → ${created.status} ${JSON.stringify(created.body)}`);
  const videoId: string = created.body.id;
  await new Promise<void>((resolve, reject) => {
    const upload = new Upload(createReadStream(clip), { endpoint: created.body.upload.url, uploadSize: statSync(clip).size, chunkSize: 1024 * 1024, onError: reject, onSuccess: () => resolve() });
    upload.start();
  });
  await waitForState(api, videoId, ['READY'], readyTimeoutMs);
  const token = await api(`/v1/videos/${videoId}/token`, { method: 'POST', body: { ttlSeconds: 1800 } });
  if (token.status !== 200) throw new Error(`POST /v1/videos/${videoId}/token → ${token.status} ${JSON.stringify(token.body)}`);
  const key = await api('/v1/keys', { method: 'POST', body: { alg: 'ES256' } });
  if (key.status !== 201 || !key.body.edgeSynced) throw new Error(`POST /v1/keys → ${key.status} ${JSON.stringify(key.body)}`);
  const privateJwk = key.body.privateJwk as JWK;
  const signingKey = await importJWK(privateJwk, 'ES256');
  return {
    videoId,
    playbackToken: token.body.token,
    watchUrl: token.body.watchUrl,
    chatToken: (user) =>
      new SignJWT({ name: user.name, role: user.role ?? 'viewer', room: `video-${videoId}` })
        .setProtectedHeader({ alg: 'ES256', kid: key.body.kid })
        .setSubject(user.id)
        .setExpirationTime('30m')
        .sign(signingKey),
  };
}
