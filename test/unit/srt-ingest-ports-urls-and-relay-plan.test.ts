import { describe, expect, it } from 'vitest';
import type { SrtRelayInput } from '../../contracts/live-inputs.ts';
import { planRelays, relayRestartDelayMs, srtRelayArgs } from '../../ingest/srt-relay-plan.ts';
import { chooseSrtPort, hostOfRtmpUrl, newSrtPassphrase, parseSrtPortRange, srtPublishUrl, srtUrl } from '../../origin/src/live/srt-ingest.ts';

const relay = (id: string, port: number, passphrase = 'p'.repeat(32)): SrtRelayInput => ({ liveInputId: id, port, passphrase, relayKey: `lk_${id.padEnd(43, 'x').slice(0, 43)}` });

describe('SRT ports', () => {
  it('parses a range and refuses what is not one', () => {
    expect(parseSrtPortRange('9710-9729')).toEqual({ first: 9710, last: 9729 });
    expect(parseSrtPortRange(' 9710-9710 ')).toEqual({ first: 9710, last: 9710 });
    for (const bad of ['9729-9710', '0-10', '9710-70000', '9710', 'a-b', '9710-9729,9800']) expect(parseSrtPortRange(bad)).toBeNull();
  });

  it('takes the lowest free port and none when all are held', () => {
    const range = { first: 9710, last: 9712 };
    expect(chooseSrtPort(range, [])).toBe(9710);
    expect(chooseSrtPort(range, [9710, 9712, 5000])).toBe(9711);
    expect(chooseSrtPort(range, [9710, 9711, 9712])).toBeNull();
  });
});

describe('SRT URLs', () => {
  it('shows the URL without the passphrase and the publish URL with it', () => {
    expect(srtUrl('ingest.example', 9710)).toBe('srt://ingest.example:9710');
    expect(srtPublishUrl('ingest.example', 9710, 'abcdefghij')).toBe('srt://ingest.example:9710?passphrase=abcdefghij&pbkeylen=16');
    expect(hostOfRtmpUrl('rtmp://127.0.0.1:1935/live')).toBe('127.0.0.1');
    expect(hostOfRtmpUrl('rtmps://live.example.com/live')).toBe('live.example.com');
  });

  it('makes passphrases SRT accepts (10–79 URL-safe characters), each different', () => {
    const passphrase = newSrtPassphrase();
    expect(passphrase).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newSrtPassphrase()).not.toBe(passphrase);
  });
});

describe('the SRT relay', () => {
  it('listens with the passphrase and relays unchanged into the RTMP application with the relay key', () => {
    const input = relay('live_a', 9710);
    const args = srtRelayArgs(input, { listenHost: '0.0.0.0', rtmpBase: 'rtmp://127.0.0.1:1935/live/', latencyMs: 200 });
    expect(args.slice(args.indexOf('-i') - 4, args.indexOf('-i') + 2)).toEqual(['-analyzeduration', '1000000', '-f', 'mpegts', '-i', `srt://0.0.0.0:9710?mode=listener&passphrase=${input.passphrase}&pbkeylen=16&latency=200000`]);
    expect(args.slice(args.indexOf('-c'))).toEqual(['-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize', `rtmp://127.0.0.1:1935/live/${input.relayKey}`]);
    expect(() => srtRelayArgs({ ...input, passphrase: 'short' }, { listenHost: '127.0.0.1', rtmpBase: 'rtmp://x/live' })).toThrow(/10–79/);
    expect(() => srtRelayArgs({ ...input, passphrase: 'has&amp;in-it-1234' }, { listenHost: '127.0.0.1', rtmpBase: 'rtmp://x/live' })).toThrow(/URL-safe/);
  });

  it('starts new inputs, stops removed ones, restarts a changed one (rotation), leaves the rest', () => {
    const running = new Map([['a', relay('a', 9710)], ['b', relay('b', 9711)], ['c', relay('c', 9712)]]);
    const rotated = relay('b', 9711, 'q'.repeat(32));
    const plan = planRelays(running, [relay('a', 9710), rotated, relay('d', 9713)]);
    expect(plan.stop.sort()).toEqual(['b', 'c']);
    expect(plan.start.map((input) => input.liveInputId).sort()).toEqual(['b', 'd']);
    expect(planRelays(running, [...running.values()])).toEqual({ start: [], stop: [] });
  });

  it('listens again at once after a session and backs off while FFmpeg keeps failing', () => {
    expect(relayRestartDelayMs(0)).toBe(200);
    expect(relayRestartDelayMs(1)).toBe(500);
    expect(relayRestartDelayMs(3)).toBe(2000);
    expect(relayRestartDelayMs(20)).toBe(30_000);
  });
});
