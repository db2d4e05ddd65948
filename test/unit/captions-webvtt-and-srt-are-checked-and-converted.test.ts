import { describe, expect, it } from 'vitest';
import { captionFormatOf, readCaptionFile } from '../../origin/src/captions/caption-file.ts';
import { parseSrt, srtTextToWebVtt } from '../../origin/src/captions/srt.ts';
import { formatTimestamp, parseTimestamp, parseWebVtt, writeWebVtt } from '../../origin/src/captions/webvtt.ts';

const vtt = (...lines: string[]) => lines.join('\n');

describe('WebVTT timestamps', () => {
  it('reads hours-optional timestamps and writes HH:MM:SS.mmm', () => {
    expect(parseTimestamp('00:01.500')).toBe(1_500);
    expect(parseTimestamp('01:02:03.004')).toBe(3_723_004);
    expect(parseTimestamp('100:00:00.000')).toBe(360_000_000);
    for (const bad of ['1:02.000', '00:60.000', '00:00:01,000', '00:01.50', 'x']) expect(parseTimestamp(bad)).toBeNull();
    expect(formatTimestamp(3_723_004)).toBe('01:02:03.004');
    expect(formatTimestamp(360_000_000)).toBe('100:00:00.000');
  });
});

describe('parseWebVtt', () => {
  it('reads cues with ids, settings and several text lines, skips NOTE blocks, keeps STYLE, sorts by start', () => {
    const result = parseWebVtt(vtt(
      '\uFEFFWEBVTT - a title', 'Kind: captions', '',
      'STYLE', '::cue { color: yellow }', '',
      'NOTE a comment', 'over two lines', '',
      'second', '00:00:05.000 --> 00:00:06.000 align:start line:0', '<i>Two</i>', 'lines', '',
      '00:01.000 --> 00:02.500', 'First &amp; only', '',
    ).replace(/\n/g, '\r\n'));
    expect(result).toEqual({
      ok: true,
      track: {
        blocks: ['STYLE\n::cue { color: yellow }'],
        cues: [
          { startMs: 1_000, endMs: 2_500, settings: '', text: ['First &amp; only'] },
          { id: 'second', startMs: 5_000, endMs: 6_000, settings: 'align:start line:0', text: ['<i>Two</i>', 'lines'] },
        ],
      },
    });
  });

  it.each([
    ['no signature', 1, vtt('1', '00:00:01.000 --> 00:00:02.000', 'hi'), 'starts with the line "WEBVTT"'],
    ['a cue glued to the header', 2, vtt('WEBVTT', '00:00:01.000 --> 00:00:02.000', 'hi'), 'blank line must separate'],
    ['a bad start time', 3, vtt('WEBVTT', '', '00:00:01 --> 00:00:02.000', 'hi'), 'start time "00:00:01"'],
    ['a bad end time', 3, vtt('WEBVTT', '', '00:00:01.000 --> 00:00:02,000', 'hi'), 'end time "00:00:02,000"'],
    ['an end before the start', 3, vtt('WEBVTT', '', '00:00:03.000 --> 00:00:02.000', 'hi'), 'ends (00:00:02.000) before or when it starts'],
    ['an id without timing', 6, vtt('WEBVTT', '', '00:00:01.000 --> 00:00:02.000', 'a', '', 'lonely id'), 'followed by no cue timing line'],
    ['an id over a garbled timing line', 4, vtt('WEBVTT', '', 'id', '00:00:01.000 -> 00:00:02.000', 'hi'), 'is not a cue timing line'],
    ['a missing blank line between cues', 5, vtt('WEBVTT', '', '00:00:01.000 --> 00:00:02.000', 'hi', '00:00:03.000 --> 00:00:04.000', 'there'), 'blank line missing'],
    ['a STYLE after a cue', 6, vtt('WEBVTT', '', '00:00:01.000 --> 00:00:02.000', 'hi', '', 'STYLE', '::cue {}'), 'before the first cue'],
  ])('refuses %s, naming line %i', (_what, line, text, message) => {
    const result = parseWebVtt(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.line).toBe(line);
    expect(result.error).toContain(message);
  });

  it('writes back what it read (cue ids, settings, style blocks), and that reads the same again', () => {
    const source = vtt('WEBVTT', '', 'STYLE', '::cue { color: lime }', '', 'a', '00:00:01.000 --> 00:00:02.000 line:10%', 'one', '', '00:00:02.000 --> 00:01:02.000', 'two', 'lines', '');
    const first = parseWebVtt(source);
    if (!first.ok) throw new Error(first.error);
    const written = writeWebVtt(first.track);
    expect(written).toBe(source);
    expect(parseWebVtt(written)).toEqual(first);
  });
});

describe('SRT to WebVTT', () => {
  const srt = [
    '1', '00:00:01,000 --> 00:00:02,500', 'Hello <font color="#ff0000">red</font> & <b>bold</b>', '',
    '2', '0:00:03,5 --> 00:00:04,000 X1:10 X2:20 Y1:30 Y2:40', '{\\an8}Top line', 'a < b > c', '', '',
  ].join('\r\n');

  it('converts timing (comma, short hours and fractions, SubRip positions dropped) and text (tags WebVTT has, escapes)', () => {
    const result = readCaptionFile(srt);
    expect(result.ok && result.format).toBe('srt');
    if (!result.ok) return;
    expect(result.webvtt).toBe(vtt(
      'WEBVTT', '',
      '00:00:01.000 --> 00:00:02.500', 'Hello red &amp; <b>bold</b>', '',
      '00:00:03.500 --> 00:00:04.000', 'Top line', 'a &lt; b &gt; c', '',
    ));
    expect(parseWebVtt(result.webvtt).ok).toBe(true);
  });

  it('keeps <i>, <b>, <u> and character references, drops other tags', () => {
    expect(srtTextToWebVtt('<I>it</I> <u>u</u> &amp; &#233; <span class="x">s</span>')).toBe('<i>it</i> <u>u</u> &amp; &#233; s');
  });

  it('reads blocks without numbers, and files with a BOM', () => {
    const result = parseSrt('\uFEFF00:00:01,000 --> 00:00:02,000\nno number\n');
    expect(result.ok && result.track.cues).toEqual([{ startMs: 1000, endMs: 2000, settings: '', text: ['no number'] }]);
  });

  it.each([
    ['a number without timing', 1, '1\n', 'has no timing line'],
    ['text where a number or timing belongs', 5, '1\n00:00:01,000 --> 00:00:02,000\nhi\n\nhello there\n', 'neither a cue number nor a timing line'],
    ['a malformed timestamp', 2, '1\n00:00:01,000 --> 00:00:0x,000\nhi\n', 'end time "00:00:0x,000"'],
    ['a missing blank line', 5, '1\n00:00:01,000 --> 00:00:02,000\nhi\n2\n00:00:03,000 --> 00:00:04,000\nthere\n', 'blank line missing'],
  ])('refuses %s, naming line %i', (_what, line, text, message) => {
    const result = readCaptionFile(text, 'srt');
    expect(result).toMatchObject({ ok: false, format: 'srt', line });
    expect(!result.ok && result.error).toContain(message);
  });

  it('tells WebVTT from SRT by the signature', () => {
    expect(captionFormatOf('WEBVTT\n\n')).toBe('webvtt');
    expect(captionFormatOf('\uFEFFWEBVTT\n')).toBe('webvtt');
    expect(captionFormatOf('1\n00:00:01,000 --> 00:00:02,000\n')).toBe('srt');
  });
});

describe('caption languages (contracts/captions.ts)', () => {
  it('accepts BCP-47 tags in canonical form and refuses anything else', async () => {
    const { canonicalLanguageTag, CaptionLanguage } = await import('../../contracts/captions.ts');
    expect(['fr', 'en-us', 'PT-br', 'zh-hant', 'es-419', 'sr-Latn-RS'].map(canonicalLanguageTag)).toEqual(['fr', 'en-US', 'pt-BR', 'zh-Hant', 'es-419', 'sr-Latn-RS']);
    for (const bad of ['', 'f', 'french!', 'en_US', 'en--us', '"en"', 'x'.repeat(40), 'en-US-u']) expect(canonicalLanguageTag(bad)).toBeNull();
    expect(CaptionLanguage.safeParse('english-please').success).toBe(false);
  });
});
