import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shiftedPorts } from '../../contracts/local-ports.ts';
import { repoRoot } from '../../stack/paths.ts';
import { blockPorts, listeningPorts, stableHash, testFileKey } from '../support/ports.ts';

describe('test ports', () => {
  it('packs every port a stack opens, Temporal HTTP and metrics included, into 20 distinct ports of one block', () => {
    const ports = listeningPorts(blockPorts(20_200));
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(20_200);
    expect(Math.max(...ports)).toBeLessThan(20_220);
  });

  it('keys a file by its repository path, whether given as a URL or a path, with a hash that does not change', () => {
    expect(testFileKey(new URL('../integration/kafka-keeps-topics-key-order-and-offsets-across-restarts.test.ts', import.meta.url).href)).toBe('test/integration/kafka-keeps-topics-key-order-and-offsets-across-restarts.test.ts');
    expect(testFileKey(join(repoRoot, 'test/integration/kafka-keeps-topics-key-order-and-offsets-across-restarts.test.ts'))).toBe('test/integration/kafka-keeps-topics-key-order-and-offsets-across-restarts.test.ts');
    expect(stableHash('a')).toBe(0xe40c292c); // FNV-1a's published value for "a"
  });

  it('never lets two dev-stack offsets of 10000-10900 (steps of 100) share a port, nor reach the compact blocks or 32768', () => {
    const offsets = Array.from({ length: 10 }, (_, slot) => 10_000 + slot * 100);
    const all = offsets.flatMap((offset) => listeningPorts(shiftedPorts(offset)));
    expect(new Set(all).size).toBe(all.length);
    expect(Math.max(...all)).toBeLessThan(20_200);
  });
});
