/** What the edge knows about who is asking, from Cloudflare's request metadata. */
export interface Viewer {
  /** ISO 3166-1 alpha-2, for the token's country rules. */
  country?: string;
  /** For the token's IP ranges; Cloudflare sets CF-Connecting-IP, a client cannot forge it through Cloudflare. */
  clientIp?: string;
  /** For node choice: CDN nodes declare a region; Cloudflare continents (`EU`, `NA`…) or `local` for the local stack. */
  region: string;
}

/** Without Cloudflare metadata (tests, a bare workerd) the viewer is treated as local, like the local stack's nodes. */
export const LOCAL_REGION = 'local';

export function viewerOf(request: Request): Viewer {
  const cf = request.cf as { country?: unknown; continent?: unknown } | undefined;
  const country = typeof cf?.country === 'string' && /^[A-Z]{2}$/.test(cf.country) ? cf.country : undefined;
  const region = typeof cf?.continent === 'string' && cf.continent.length > 0 ? cf.continent : LOCAL_REGION;
  const clientIp = request.headers.get('CF-Connecting-IP') ?? undefined;
  return { ...(country ? { country } : {}), ...(clientIp ? { clientIp } : {}), region };
}

/**
 * viewerOf, read on first use: `request.cf` is parsed from its serialised form on access (5 % of the edge's CPU per
 * playlist in the bench profile), and most playlists need none of it (no country or IP rule in the token, every live
 * node in one region).
 */
export function lazyViewerOf(request: Request): Viewer {
  let read: Viewer | undefined;
  const viewer = () => (read ??= viewerOf(request));
  return {
    get country() {
      return viewer().country;
    },
    get clientIp() {
      return viewer().clientIp;
    },
    get region() {
      return viewer().region;
    },
  };
}
