import { describe, expect, it } from 'vitest';
import { restreamArgs, restreamPushUrl } from '../../transcoder/src/live/restream-args.ts';
import { pushIsLive, restreamOutcome } from '../../transcoder/src/live/restream-status.ts';

const pullUrl = 'rtmp://127.0.0.1:1935/live/live_abc';
const streamKey = 'secretkey123';
const pushUrl = 'rtmp://127.0.0.1:9/app/secretkey123';
const facts = { sentMedia: false, pullUrl, pushUrl, streamKey };
// What FFmpeg 5.1 printed here pushing to a closed port.
const refusedTail = [
  '[tcp @ 0x5595] Connection to tcp://127.0.0.1:9?tcp_nodelay=0 failed: Connection refused',
  '[rtmp @ 0x5595] Cannot open connection tcp://127.0.0.1:9?tcp_nodelay=0',
  'rtmp://127.0.0.1:9/app/secretkey123: Connection refused',
].join('\n');

describe('restream push', () => {
  it('copies the pulled broadcast into the target as FLV, key joined to the URL once', () => {
    const args = restreamArgs({ pullUrl, targetUrl: 'rtmp://127.0.0.1:9/app/', streamKey });
    expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2)).toEqual(['-i', pullUrl]);
    expect(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2)).toEqual(['-c', 'copy']);
    expect(args.slice(-3)).toEqual(['-f', 'flv', pushUrl]);
    expect(args).not.toContain('libx264');
    expect(restreamPushUrl('rtmps://live.example/app', 'k')).toBe('rtmps://live.example/app/k');
  });

  it('calls a refused push "target refused" with the reason, key masked, and retries it', () => {
    const outcome = restreamOutcome({ kind: 'exited', exitCode: 1, stderrTail: refusedTail }, facts);
    expect(outcome).toEqual({ kind: 'retry', status: 'failed', lastError: 'target refused: rtmp://127.0.0.1:9/app/****: Connection refused' });
  });

  it('calls a push cut after media flowed "target dropped the push"', () => {
    const outcome = restreamOutcome({ kind: 'exited', exitCode: 1, stderrTail: 'av_interleaved_write_frame(): Broken pipe\nError writing trailer of rtmp://…: Broken pipe' }, { ...facts, sentMedia: true });
    expect(outcome.kind).toBe('retry');
    expect(outcome.lastError).toMatch(/^target dropped the push: /);
  });

  it('ends without retry when the source ends, and goes idle when stopped', () => {
    expect(restreamOutcome({ kind: 'exited', exitCode: 0, stderrTail: '' }, { ...facts, sentMedia: true })).toEqual({ kind: 'source-ended', status: 'idle', lastError: null });
    expect(restreamOutcome({ kind: 'exited', exitCode: 1, stderrTail: `${pullUrl}: Input/output error` }, facts).kind).toBe('source-ended');
    expect(restreamOutcome({ kind: 'aborted' }, facts)).toEqual({ kind: 'source-ended', status: 'idle', lastError: null });
  });

  it('retries an FFmpeg that could not run or died without a telling line, saying so', () => {
    expect(restreamOutcome({ kind: 'could-not-run', message: 'spawn ffmpeg ENOENT' }, facts)).toEqual({ kind: 'retry', status: 'failed', lastError: 'ffmpeg could not run: spawn ffmpeg ENOENT' });
    expect(restreamOutcome({ kind: 'exited', exitCode: 137, signal: 'SIGKILL', stderrTail: '' }, facts).lastError).toBe('push ended (ffmpeg exit 137, SIGKILL): ffmpeg exited without a message');
  });

  it('is live once the output clock moves', () => {
    expect(pushIsLive(0)).toBe(false);
    expect(pushIsLive(0.04)).toBe(true);
  });
});
