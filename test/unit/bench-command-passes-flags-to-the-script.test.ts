import { describe, expect, it } from 'vitest';
import { namedOnly, splitBenchArgs } from '../../cli/dev/bench.ts';
import { flagValue } from '../../bench/lib/options.ts';

describe('vora bench arguments', () => {
  it('takes names up to the first flag and passes the rest on to the scripts', () => {
    expect(splitBenchArgs(['soak', '--minutes', '2'])).toEqual({ names: ['soak'], forwarded: ['--minutes', '2'] });
    expect(splitBenchArgs(['tus-upload', 'gateway-latency'])).toEqual({ names: ['tus-upload', 'gateway-latency'], forwarded: [] });
    expect(splitBenchArgs(['--minutes=5'])).toEqual({ names: [], forwarded: ['--minutes=5'] });
  });

  it('leaves the soak out of "every benchmark"', () => {
    expect(namedOnly).toContain('soak');
  });

  it('reads a flag given as --name N or --name=N', () => {
    expect(flagValue(['--minutes', '2'], 'minutes')).toBe('2');
    expect(flagValue(['--quick', '--minutes=30'], 'minutes')).toBe('30');
    expect(flagValue(['--minute', '3'], 'minutes')).toBeUndefined();
    expect(flagValue(['--minutes'], 'minutes')).toBeUndefined();
  });
});
