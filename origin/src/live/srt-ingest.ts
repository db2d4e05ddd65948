import { randomBytes } from 'node:crypto';

/** The UDP ports SRT listeners take, one per SRT-enabled input (VORA_SRT_PORTS, e.g. `9710-9729`). */
export interface SrtPortRange {
  first: number;
  last: number;
}

/** `9710-9729` → {first, last}; null when it is not a range of valid ports. */
export function parseSrtPortRange(text: string): SrtPortRange | null {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  if (!match) return null;
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (first < 1 || last > 65_535 || first > last) return null;
  return { first, last };
}

/** The lowest port of the range no input holds, or null when every one is taken. */
export function chooseSrtPort(range: SrtPortRange, taken: Iterable<number>): number | null {
  const used = new Set(taken);
  for (let port = range.first; port <= range.last; port += 1) if (!used.has(port)) return port;
  return null;
}

/** Where a publisher points OBS or FFmpeg without the secret, e.g. `srt://ingest.example:9710`. */
export function srtUrl(host: string, port: number): string {
  return `srt://${host}:${port}`;
}

/** The one URL FFmpeg needs (shown once, like the stream key): the passphrase in the query, AES-128 as the listener expects. */
export function srtPublishUrl(host: string, port: number, passphrase: string): string {
  return `${srtUrl(host, port)}?passphrase=${passphrase}&pbkeylen=16`;
}

/** The host of the RTMP ingest URL, the default SRT host (the same ingest nodes). */
export function hostOfRtmpUrl(rtmpUrl: string): string {
  return new URL(rtmpUrl.replace(/^rtmps?:/, 'http:')).hostname;
}

/** 32 URL-safe characters (192 bits): inside SRT's 10–79 and safe in a URL query. */
export const newSrtPassphrase = () => randomBytes(24).toString('base64url');
