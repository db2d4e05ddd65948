/**
 * The pure core of the SRT relay (ingest/srt-relay.ts): which listeners to run for the inputs the origin names,
 * and the FFmpeg command of one. FFmpeg's SRT listener ignores `streamid`, so each SRT-enabled input has its own
 * UDP port and passphrase; what arrives is relayed unchanged (`-c copy`) into the RTMP application with the
 * input's relay key, so nginx-rtmp's on_publish authorizes it exactly like an RTMP publisher.
 */
import type { SrtRelayInput } from '../contracts/live-inputs.ts';

/** SRT passphrases are 10–79 characters (libsrt refuses others). */
export const SRT_PASSPHRASE_PATTERN = /^[A-Za-z0-9_-]{10,79}$/;

export interface SrtRelayArgsOptions {
  /** Address the listener binds: `127.0.0.1` locally, `0.0.0.0` on an ingest host. */
  listenHost: string;
  /** The RTMP application to relay into, e.g. `rtmp://127.0.0.1:1935/live`. */
  rtmpBase: string;
  /** SRT receive latency in ms (libsrt's default 120 ms suits a LAN; the internet wants more). */
  latencyMs?: number;
}

/** FFmpeg's arguments for one input's listener: waits for one SRT caller, relays it, exits when it leaves. */
export function srtRelayArgs(input: SrtRelayInput, options: SrtRelayArgsOptions): string[] {
  if (!SRT_PASSPHRASE_PATTERN.test(input.passphrase)) throw new Error(`the SRT passphrase of ${input.liveInputId} is not 10–79 URL-safe characters`);
  const latencyUs = (options.latencyMs ?? 120) * 1000;
  const listen = `srt://${options.listenHost}:${input.port}?mode=listener&passphrase=${input.passphrase}&pbkeylen=16&latency=${latencyUs}`;
  return [
    '-hide_banner', '-loglevel', 'warning', '-nostdin',
    // SRT carries MPEG-TS (what OBS and FFmpeg send over srt://). MPEG-TS may add streams later, so FFmpeg probes it
    // for the whole analyzeduration (5 s by default) before relaying a byte: 1 s finds H.264 + AAC and their parameters.
    '-analyzeduration', '1000000', '-f', 'mpegts', '-i', listen,
    '-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize',
    `${options.rtmpBase.replace(/\/+$/, '')}/${input.relayKey}`,
  ];
}

/** What changed between the listeners running and the inputs wanted: stop first (frees ports), then start. */
export interface RelayPlan {
  start: SrtRelayInput[];
  stop: string[];
}

/** A listener whose port, passphrase or relay key changed (a rotation) is stopped and started again. */
export function planRelays(running: ReadonlyMap<string, SrtRelayInput>, wanted: readonly SrtRelayInput[]): RelayPlan {
  const wantedById = new Map(wanted.map((input) => [input.liveInputId, input]));
  const stop: string[] = [];
  const start: SrtRelayInput[] = [];
  for (const [id, current] of running) {
    const next = wantedById.get(id);
    if (!next || !sameRelay(current, next)) stop.push(id);
  }
  for (const input of wanted) {
    const current = running.get(input.liveInputId);
    if (!current || !sameRelay(current, input)) start.push(input);
  }
  return { start, stop };
}

const sameRelay = (a: SrtRelayInput, b: SrtRelayInput) => a.port === b.port && a.passphrase === b.passphrase && a.relayKey === b.relayKey;

/** How long to wait before listening again: at once after a normal session, backing off while FFmpeg fails fast. */
export function relayRestartDelayMs(failuresInARow: number): number {
  if (failuresInARow <= 0) return 200;
  return Math.min(30_000, 500 * 2 ** (failuresInARow - 1));
}
