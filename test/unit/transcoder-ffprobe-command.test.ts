import { describe, expect, it } from 'vitest';
import { classifyFfprobeFailure, truncationReason, ffprobeArgs, resolveSourceLocation } from '../../transcoder/src/probe/ffprobe-command.ts';

describe('resolveSourceLocation', () => {
  it('reads absolute paths and file URLs through the file protocol only', () => {
    expect(resolveSourceLocation('/data/in:put.mp4')).toEqual({ ok: true, input: 'file:/data/in:put.mp4', protocols: ['file'], remote: false });
    expect(resolveSourceLocation('file:///data/a%20b.mp4')).toEqual({ ok: true, input: 'file:/data/a b.mp4', protocols: ['file'], remote: false });
  });

  it('reads http(s) URLs through the network protocols only', () => {
    expect(resolveSourceLocation('https://example.test/a.mp4')).toEqual({
      ok: true, input: 'https://example.test/a.mp4', protocols: ['http', 'https', 'tcp', 'tls'], remote: true,
    });
  });

  it.each(['vora-raw/abc', 'relative/file.mp4', 'concat:/a.mp4|/b.mp4', 'ftp://host/a.mp4'])('refuses %s', (sourceKey) => {
    const location = resolveSourceLocation(sourceKey);
    expect(location.ok).toBe(false);
    if (!location.ok) expect(location.reason).toContain(sourceKey);
  });
});

describe('ffprobeArgs', () => {
  it('whitelists protocols and bounds network reads', () => {
    expect(ffprobeArgs({ input: 'https://h/a.mp4', protocols: ['http', 'https', 'tcp', 'tls'], remote: true })).toEqual([
      '-hide_banner', '-v', 'error', '-print_format', 'json', '-show_format', '-show_streams',
      '-protocol_whitelist', 'http,https,tcp,tls', '-rw_timeout', '15000000', '-i', 'https://h/a.mp4',
    ]);
    expect(ffprobeArgs({ input: 'file:/a.mp4', protocols: ['file'], remote: false })).not.toContain('-rw_timeout');
  });
});

describe('classifyFfprobeFailure', () => {
  // stderr lines as ffprobe 5.1 prints them
  it('treats unreadable data as not a video, never retried', () => {
    expect(classifyFfprobeFailure('file:/tmp/a.txt: Invalid data found when processing input\n')).toEqual({
      retryable: false, type: 'SourceNotAVideo', reason: 'it is not a video FFmpeg can read (file:/tmp/a.txt: Invalid data found when processing input)',
    });
    expect(classifyFfprobeFailure('[mov,mp4 @ 0x1] moov atom not found\na.mp4: Invalid data found when processing input')).toMatchObject({ retryable: false, type: 'SourceNotAVideo' });
  });

  it('treats a missing source as not found, never retried', () => {
    expect(classifyFfprobeFailure('file:/nope.mp4: No such file or directory')).toMatchObject({ retryable: false, type: 'SourceNotFound' });
    expect(classifyFfprobeFailure('[http @ 0x1] HTTP error 404 Not Found\nhttp://h/a: Server returned 404 Not Found')).toMatchObject({ retryable: false, type: 'SourceNotFound' });
  });

  it('retries what may pass: refused connections, 5xx', () => {
    expect(classifyFfprobeFailure('http://127.0.0.1:1/a.mp4: Connection refused')).toEqual({ retryable: true, reason: 'http://127.0.0.1:1/a.mp4: Connection refused' });
    expect(classifyFfprobeFailure('http://h/a: Server returned 5XX Server Error reply').retryable).toBe(true);
    expect(classifyFfprobeFailure('')).toEqual({ retryable: true, reason: 'ffprobe failed without a message' });
  });
});

describe('truncationReason', () => {
  it('names a source whose index points past its end, from the demuxer\'s "partial file"', () => {
    const stderr = '[NULL @ 0x5571] Invalid NAL unit size (7708 > 325).\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5571] stream 1, offset 0x7d636: partial file\n';
    expect(truncationReason(stderr)).toBe('the file is truncated: its index names data past its end (stream 1, offset 0x7d636: partial file); upload the whole file again');
  });

  it('lets through decode warnings of a whole file', () => {
    expect(truncationReason('[h264 @ 0x1] Invalid NAL unit size (7708 > 325).\n[h264 @ 0x1] missing picture in access unit')).toBeUndefined();
    expect(truncationReason('')).toBeUndefined();
  });
});
