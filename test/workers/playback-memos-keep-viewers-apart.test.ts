import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { edgeFetch } from './helpers.ts';
import { bodyText, clearNodes, makeSigner, MEDIA, mockOrigin, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

// What the edge remembers between playlist requests (verified tokens, rewritten playlists as bytes) must never
// carry one viewer's answer to another, nor outlive a drain or a key change.

let signer: Signer;

beforeAll(async () => {
  signer = await makeSigner('memo-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
beforeEach(clearNodes);
afterEach(() => {
  vi.restoreAllMocks();
});

/** The media playlist of `videos` from one and the same origin text (so only the edge's keys can tell them apart). */
function originWithSameText(videos: string[]) {
  return mockOrigin(Object.fromEntries(videos.map((video) => [`/media/${video}/720p/playlist.m3u8`, playlist(MEDIA, 'public, max-age=300')])));
}

async function media(token: string) {
  const response = await edgeFetch(`/v/${token}/720p/playlist.m3u8`);
  return { status: response.status, node: response.headers.get('X-Vora-Cdn-Node'), text: await bodyText(response) };
}

const segmentUrls = (text: string) => text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => new URL(line));

describe('the playlist memos', () => {
  it("give each video's viewers their own segment URLs and token, though the origin text is the same", async () => {
    await registerNode('cdn-a');
    const [first, second] = [uniqueVideo('memo-a'), uniqueVideo('memo-b')];
    originWithSameText([first, second]);
    const tokens = { first: await signer.sign({ sub: first }), second: await signer.sign({ sub: second }) };
    // Each asked twice, interleaved: the second answers come from the memos.
    const answers = [await media(tokens.first), await media(tokens.second), await media(tokens.first), await media(tokens.second)];
    for (const [index, video] of [first, second, first, second].entries()) {
      const { status, text } = answers[index]!;
      expect(status).toBe(200);
      const urls = segmentUrls(text);
      expect(urls.map((url) => url.pathname)).toEqual(['seg_00001.m4s', 'seg_00002.m4s', 'seg_00003.m4s'].map((file) => `/media/${video}/720p/${file}`));
      const expires = Number(urls[0]!.searchParams.get('e'));
      expect(`st=${urls[0]!.searchParams.get('st')}&e=${expires}`).toBe(signSegmentToken({ videoId: video, expires, secret: env.NODE_KEY! }).query);
    }
    // A memoised answer, given out again, is the same bytes.
    expect(answers[2]!.text).toBe(answers[0]!.text);
    expect(answers[3]!.text).toBe(answers[1]!.text);
  });

  it('move a viewer off a node drained since their last reload, with the same token', async () => {
    await Promise.all(['cdn-a', 'cdn-b', 'cdn-c'].map((id) => registerNode(id)));
    const video = uniqueVideo('memo-drain');
    originWithSameText([video]);
    const token = await signer.sign({ sub: video });
    const before = await media(token);
    expect((await media(token)).node).toBe(before.node);
    await registerNode(before.node!, { state: 'draining' });
    const after = await media(token);
    expect(after.status).toBe(200);
    expect(after.node).not.toBe(before.node);
    expect(after.text).not.toContain(`${before.node}.cdn.test`);
    expect(segmentUrls(after.text).every((url) => url.host === `${after.node}.cdn.test`)).toBe(true);
  });

  it('refuse a token verified before once its key is no longer in the key set', async () => {
    await registerNode('cdn-a');
    const video = uniqueVideo('memo-keys');
    originWithSameText([video]);
    const token = await signer.sign({ sub: video });
    expect((await media(token)).status).toBe(200);
    const replacement = await makeSigner('memo-key-2');
    expect((await putKeys({ keys: [replacement.publicJwk] })).status).toBe(200);
    try {
      expect((await media(token)).status).toBe(401);
      expect((await media(await replacement.sign({ sub: video }))).status).toBe(200);
    } finally {
      expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
    }
  });

  it('refuse a forged token every time, after its genuine twin was served', async () => {
    await registerNode('cdn-a');
    const video = uniqueVideo('memo-forged');
    originWithSameText([video]);
    const token = await signer.sign({ sub: video });
    expect((await media(token)).status).toBe(200);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${(await (await makeSigner('memo-key')).sign({ sub: video })).split('.')[2]}`;
    for (let i = 0; i < 2; i++) expect((await media(forged)).status).toBe(401);
  });
});
