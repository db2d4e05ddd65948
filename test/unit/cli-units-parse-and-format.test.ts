import { describe, expect, it } from 'vitest';
import { bar, formatAgo, formatBytes, formatSeconds, parseDuration, parseSize } from '../../cli/lib/units.ts';

describe('parseDuration', () => {
  it('reads units, combinations and plain seconds', () => {
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('2d')).toBe(172_800);
    expect(parseDuration('600')).toBe(600);
    expect(parseDuration(' 1H ')).toBe(3600);
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['', 'h', '1x', '-5m', '1.5h', '1h 30m', 'soon']) expect(parseDuration(bad), bad).toBeNull();
  });
});

describe('parseSize', () => {
  it('reads binary and decimal units and plain bytes', () => {
    expect(parseSize('1048576')).toBe(1_048_576);
    expect(parseSize('5MiB')).toBe(5 * 1024 ** 2);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('1MB')).toBe(1_000_000);
    expect(parseSize('1.5 GiB')).toBe(1.5 * 1024 ** 3);
  });
  it('refuses zero, negatives and unknown units', () => {
    for (const bad of ['0', '-1', '5 parsecs', 'MiB', '']) expect(parseSize(bad), bad).toBeNull();
  });
});

describe('printing', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 ** 2)).toBe('20.0 MiB');
  });
  it('formats seconds compactly', () => {
    expect(formatSeconds(9.4)).toBe('9s');
    expect(formatSeconds(75)).toBe('1m15s');
    expect(formatSeconds(3725)).toBe('1h02m');
  });
  it('says how long ago, and tolerates clock skew', () => {
    expect(formatAgo(10_000, 10_500)).toBe('now');
    expect(formatAgo(10_000, 14_000)).toBe('4s ago');
    expect(formatAgo(20_000, 10_000)).toBe('in the future');
  });
  it('draws a clamped bar', () => {
    expect(bar(0.5, 10)).toBe('[#####-----]');
    expect(bar(0, 4)).toBe('[----]');
    expect(bar(1.7, 4)).toBe('[####]');
    expect(bar(Number.NaN, 4)).toBe('[----]');
  });
});
