// The soak's viewers: sessions on the READY videos of the pool, each the requests a player makes (master and one
// media playlist through the edge with the playback token, every segment from the CDN node the edge chose, with its
// segment token), then a QoE beacon of three events into analytics. Every answer that is not the expected one is an error.
import { ApiError, type JsonClient } from '../../../cli/lib/api-client.ts';
import type { Tally } from './tally.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ViewerLoadOptions {
  api: JsonClient;
  edgeUrl: string;
  /** The videos viewers may play now. */
  pool: () => readonly string[];
  errors: Tally;
  /** Prefix of every session id: the analytics rows of this run are found by it. */
  sessionPrefix: string;
  /** Pause between two sessions of one viewer. */
  pauseMs: number;
}

/** Segment and init URIs of a media playlist, in the order a player requests them. */
export function mediaUris(playlist: string): string[] {
  const maps = [...playlist.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)].map((match) => match[1]!);
  return [...maps, ...playlist.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))];
}

export class ViewerLoad {
  sessions = 0;
  requests = 0;
  bytes = 0;
  /** Beacon events the edge accepted (204): each must end up as one row in ClickHouse. */
  beaconEvents = 0;
  private readonly playbackUrls = new Map<string, string>();

  constructor(private readonly options: ViewerLoadOptions) {}

  /** `viewers` loops of sessions until `endAt`, each at most `maxSessions` sessions. */
  async run(viewers: number, endAt: number, maxSessions: number): Promise<void> {
    await Promise.all(Array.from({ length: viewers }, async (_, viewer) => {
      for (let session = 0; session < maxSessions && Date.now() < endAt; session += 1) {
        const pool = this.options.pool();
        if (pool.length > 0) await this.session(pool[(viewer + session * viewers) % pool.length]!, viewer);
        await sleep(pool.length > 0 ? this.options.pauseMs : 1_000);
      }
    }));
  }

  private async get(kind: string, url: string, expect: number): Promise<Buffer | null> {
    this.requests += 1;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      const body = Buffer.from(await response.arrayBuffer());
      this.bytes += body.length;
      if (response.status !== expect || body.length === 0) {
        this.options.errors.add(`playback: ${kind} ${response.status}`, `${url.replace(/\/v\/[^/]+\//, '/v/…/').split('?')[0]}: ${body.toString('utf8', 0, 160)}`);
        return null;
      }
      return body;
    } catch (error) {
      this.options.errors.add(`playback: ${kind} no answer`, `${url.split('?')[0]}: ${(error as Error).message}`);
      return null;
    }
  }

  private async playbackUrl(videoId: string): Promise<string | null> {
    const known = this.playbackUrls.get(videoId);
    if (known) return known;
    try {
      const minted = await this.options.api.request<{ url: string }>('POST', `/v1/videos/${videoId}/token`, { ttlSeconds: 4 * 3600 });
      this.playbackUrls.set(videoId, minted.url);
      return minted.url;
    } catch (error) {
      this.options.errors.add(`playback: token ${error instanceof ApiError ? error.status : 'no answer'}`, (error as Error).message);
      return null;
    }
  }

  private async session(videoId: string, viewer: number): Promise<void> {
    const index = this.sessions;
    this.sessions += 1;
    const masterUrl = await this.playbackUrl(videoId);
    if (!masterUrl) return;
    const masterBody = await this.get('edge master', masterUrl, 200);
    if (masterBody === null) return;
    const master = masterBody.toString('utf8');
    const variants = mediaUris(master);
    if (variants.length === 0) return void this.options.errors.add('playback: master without variants', `${videoId}: ${master.slice(0, 160)}`);
    const mediaUrl = new URL(variants[index % variants.length]!, masterUrl).toString();
    const media = await this.get('edge media playlist', mediaUrl, 200);
    if (media === null) return;
    for (const uri of mediaUris(media.toString('utf8'))) {
      const url = new URL(uri, mediaUrl);
      // Segments come from a CDN node, never from the edge itself.
      if (url.origin === new URL(this.options.edgeUrl).origin) this.options.errors.add('playback: segment not on a node', url.pathname);
      await this.get('node segment', url.toString(), 200);
    }
    await this.beacon(videoId, masterUrl, `${this.options.sessionPrefix}${viewer}_${index}`);
  }

  /** Three events of a finished session (play, heartbeat, ended), in the past as a player reports them. */
  private async beacon(videoId: string, masterUrl: string, sessionId: string): Promise<void> {
    const token = new URL(masterUrl).pathname.split('/')[2]!;
    const at = Date.now() - 6_000;
    const events = [
      { type: 'play', at, position: 0 },
      { type: 'heartbeat', at: at + 2_000, position: 2 },
      { type: 'ended', at: at + 4_000, position: 4 },
    ];
    this.requests += 1;
    try {
      const response = await fetch(`${this.options.edgeUrl}/beacon`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, videoId, events }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status === 204) this.beaconEvents += events.length;
      else this.options.errors.add(`beacon: ${response.status}`, text.slice(0, 160));
    } catch (error) {
      this.options.errors.add('beacon: no answer', (error as Error).message);
    }
  }
}
