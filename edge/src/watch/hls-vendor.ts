// A Text module (wrangler.toml `[[rules]]`): the worker carries hls.js, so no generated copy lives in edge/public.
import hlsMinJs from 'hls.js/dist/hls.min.js';
import { fnv1a32 } from '../playback/hash.ts';

let etag: string | undefined;

/** hls.js as the browser loads it (`<script src="/vendor/hls.min.js">`) and a strong ETag, hashed once per isolate. */
export function hlsScript(): { text: string; etag: string } {
  etag ??= `"hls-${fnv1a32(hlsMinJs).toString(16)}-${hlsMinJs.length}"`;
  return { text: hlsMinJs, etag };
}
