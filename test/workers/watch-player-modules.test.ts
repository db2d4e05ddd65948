// The watch page's pure browser modules (edge/public/player), run here because they use only Web APIs.
import { describe, expect, it } from 'vitest';
import { BeaconBatch } from '../../contracts/beacons.ts';
import { beaconEvent, createBeaconQueue, type BeaconBatch as BeaconBatchShape } from '../../edge/public/player/beacon-queue.js';
import { closeExplanation, politeChatError, presenceText, reconnectDelayMs } from '../../edge/public/player/chat-text.js';
import { autoLabel, qualityOptions } from '../../edge/public/player/quality.js';
import { cueAt, parseStoryboardVtt, parseVttTimestamp } from '../../edge/public/player/storyboard.js';

const VTT_URL = 'https://edge.test/v/tok/storyboard.vtt';

describe('storyboard WebVTT', () => {
  it('reads the transcoder\'s cues, resolving the sprite against the VTT URL', () => {
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nstoryboard.jpg#xywh=0,0,160,90\n\n00:00:01.000 --> 00:00:02.000\nstoryboard.jpg#xywh=160,0,160,90\n';
    expect(parseStoryboardVtt(vtt, VTT_URL)).toEqual([
      { start: 0, end: 1, url: 'https://edge.test/v/tok/storyboard.jpg', x: 0, y: 0, w: 160, h: 90 },
      { start: 1, end: 2, url: 'https://edge.test/v/tok/storyboard.jpg', x: 160, y: 0, w: 160, h: 90 },
    ]);
  });

  it('accepts cue ids, CRLF, mm:ss timestamps and cue settings; skips malformed cues', () => {
    const vtt = 'WEBVTT\r\n\r\n1\r\n00:02.500 --> 00:05.000 align:start\r\nsprite.jpg#xywh=1,2,3,4\r\n\r\n00:05.000 --> 00:04.000\r\nsprite.jpg#xywh=0,0,1,1\r\n\r\n00:06.000 --> 00:07.000\r\nsprite.jpg\r\n';
    expect(parseStoryboardVtt(vtt, VTT_URL)).toEqual([{ start: 2.5, end: 5, url: 'https://edge.test/v/tok/sprite.jpg', x: 1, y: 2, w: 3, h: 4 }]);
    expect(parseVttTimestamp('01:00:00.25')).toBe(3600.25);
    expect(parseVttTimestamp('1:2:3')).toBeNull();
  });

  it('finds the cue showing at a time, holding the last one past the end', () => {
    const cues = parseStoryboardVtt(['WEBVTT', '', ...[0, 2, 4].flatMap((s) => [`00:00:0${s}.000 --> 00:00:0${s + 2}.000`, `s.jpg#xywh=${s * 80},0,160,90`, ''])].join('\n'), VTT_URL);
    expect(cueAt(cues, 0)?.x).toBe(0);
    expect(cueAt(cues, 3.9)?.x).toBe(160);
    expect(cueAt(cues, 4)?.x).toBe(320);
    expect(cueAt(cues, 99)?.x).toBe(320);
    expect(cueAt(cues, -1)).toBeNull();
    expect(cueAt([], 1)).toBeNull();
  });
});

describe('quality menu', () => {
  it('lists Auto, then renditions highest first with their hls.js indexes', () => {
    const levels = [{ height: 360, bitrate: 800_000 }, { height: 1080, bitrate: 5_000_000 }, { height: 720, bitrate: 2_800_000 }];
    expect(qualityOptions(levels)).toEqual([
      { value: -1, label: 'Auto' },
      { value: 1, label: '1080p' },
      { value: 2, label: '720p' },
      { value: 0, label: '360p' },
    ]);
    expect(qualityOptions([{ bitrate: 96_000 }])[1]!.label).toBe('96 kbps');
    expect(autoLabel({ height: 720 })).toBe('Auto (720p)');
  });
});

describe('beacons', () => {
  it('batches events in the beacon format (contracts/beacons.ts) and sends one batch per flush', () => {
    const sent: BeaconBatchShape[] = [];
    const queue = createBeaconQueue({ sessionId: 's1', videoId: 'vid_1', send: (batch) => sent.push(batch), maxEvents: 3 });
    const at = Date.UTC(2026, 0, 1);
    queue.record(beaconEvent('play', { at, position: 0 }));
    queue.record(beaconEvent('stall_end', { at, position: 1.23456, stallMs: 420, code: undefined }));
    expect(sent).toEqual([]);
    queue.record(beaconEvent('bitrate_switch', { at, position: 2, bitrate: 800_000.4, rendition: '360p' }));
    expect(BeaconBatch.parse(sent[0])).toEqual(sent[0]);
    expect(sent).toEqual([
      {
        sessionId: 's1',
        videoId: 'vid_1',
        events: [
          { type: 'play', at, position: 0 },
          { type: 'stall_end', at, position: 1.235, stallMs: 420 },
          { type: 'bitrate_switch', at, position: 2, bitrate: 800_000, rendition: '360p' },
        ],
      },
    ]);
    expect(queue.flush()).toBeNull();
    queue.record(beaconEvent('ended', { at, position: 6 }));
    expect(queue.pendingCount).toBe(1);
    expect(queue.flush()?.events.map((event) => event.type)).toEqual(['ended']);
    expect(sent).toHaveLength(2);
  });
});

describe('chat wording', () => {
  it('turns error frames and close codes into polite sentences, never the raw message', () => {
    expect(politeChatError({ code: 'rate_limited', message: 'bucket empty (internal)', retryAfterMs: 1200 })).toBe('You are sending messages quickly. Please wait a moment. (about 2 s)');
    expect(politeChatError({ code: 'something_new', message: 'raw text' })).not.toContain('raw text');
    expect(closeExplanation(4003).reconnect).toBe(false);
    expect(closeExplanation(1006).reconnect).toBe(true);
    expect(presenceText(1)).toBe('1 person here');
    expect(presenceText(3)).toBe('3 people here');
  });

  it('backs off reconnects up to 30 s, with jitter', () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(1000);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(8000);
    expect(reconnectDelayMs(20, () => 1)).toBe(37_500);
    expect(reconnectDelayMs(20, () => 0)).toBe(22_500);
  });
});
