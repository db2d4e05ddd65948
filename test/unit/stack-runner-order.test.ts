import { describe, expect, it } from 'vitest';
import { defaultPorts, shiftedPorts } from '../../contracts/local-ports.ts';
import type { ComponentSpec } from '../../stack/component.ts';
import { startWaves } from '../../stack/runner.ts';
import { formatTable } from '../../cli/lib/table.ts';

const spec = (name: string, dependsOn: string[] = []): ComponentSpec => ({
  name,
  url: '',
  ports: [],
  dependsOn,
  command: async () => ({ cmd: 'true', args: [] }),
  probe: async () => {},
});

describe('startWaves', () => {
  it('starts independent components together and dependants after them', () => {
    const waves = startWaves([spec('origin', ['minio', 'kafka']), spec('minio'), spec('cdn-1', ['edge']), spec('kafka'), spec('edge')]);
    expect(waves.map((wave) => wave.map((s) => s.name))).toEqual([['minio', 'kafka', 'edge'], ['origin', 'cdn-1']]);
  });

  it('names the components whose dependencies can never be met', () => {
    expect(() => startWaves([spec('a', ['b']), spec('b', ['a']), spec('c')])).toThrow(/a, b/);
  });

  it('takes a dependency outside the set as running elsewhere', () => {
    expect(startWaves([spec('transcoder', ['temporal'])]).map((wave) => wave.map((s) => s.name))).toEqual([['transcoder']]);
  });
});

describe('shiftedPorts', () => {
  it('moves every port, the CDN nodes too, and keeps them distinct', () => {
    const shifted = shiftedPorts(10_000);
    expect(shifted.origin).toBe(defaultPorts.origin + 10_000);
    expect(shifted.cdnNodes).toEqual(defaultPorts.cdnNodes.map((p) => p + 10_000));
    const all = Object.values(shifted).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('formatTable', () => {
  it('aligns columns to the widest cell', () => {
    const text = formatTable(['name', 'status'], [['minio', 'ready'], ['kafka-broker', 'starting']]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('name          status');
    expect(lines[2]).toBe('minio         ready');
    expect(lines[3]).toBe('kafka-broker  starting');
  });
});
