import { describe, expect, it } from 'vitest';
import { chooseNode, rankNodes, type NodeRecord } from '../../edge/src/playback/choose-node.ts';

const node = (nodeId: string, extra: Partial<NodeRecord> = {}): NodeRecord => ({
  nodeId, url: `http://${nodeId}.example`, region: 'eu', capacity: 100, load: 0.2, state: 'live', seenAt: 0, ...extra,
});
const eight = Array.from({ length: 8 }, (_, i) => node(`n${i}`));
const keys = Array.from({ length: 4000 }, (_, i) => `video-${i}`);

describe('chooseNode', () => {
  it('is deterministic and independent of the order nodes are listed in', () => {
    const shuffled = [...eight].reverse();
    for (const key of keys.slice(0, 200)) expect(chooseNode(shuffled, key)?.nodeId).toBe(chooseNode(eight, key)?.nodeId);
  });

  it('spreads content evenly over equal nodes', () => {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(chooseNode(eight, key)!.nodeId, (counts.get(chooseNode(eight, key)!.nodeId) ?? 0) + 1);
    expect(counts.size).toBe(8);
    for (const count of counts.values()) expect(Math.abs(count - 500)).toBeLessThan(100);
  });

  it('moves only the failed node’s content when a node leaves (rendezvous stickiness)', () => {
    const without = eight.filter((n) => n.nodeId !== 'n3');
    let moved = 0;
    for (const key of keys) {
      const before = chooseNode(eight, key)!.nodeId;
      const after = chooseNode(without, key)!.nodeId;
      if (before !== 'n3') expect(after).toBe(before);
      else moved++;
    }
    expect(moved).toBeGreaterThan(300);
  });

  it('uses only live nodes, and returns null when there are none', () => {
    const nodes = [node('a', { state: 'draining' }), node('b')];
    for (const key of keys.slice(0, 50)) expect(chooseNode(nodes, key)?.nodeId).toBe('b');
    expect(chooseNode([node('a', { state: 'draining' })], 'x')).toBeNull();
    expect(chooseNode([], 'x')).toBeNull();
  });

  it('prefers the viewer’s region when it has a live node, else any live node', () => {
    const nodes = [...eight, node('us1', { region: 'us' }), node('us2', { region: 'us' }), node('ap1', { region: 'ap', state: 'draining' })];
    for (const key of keys.slice(0, 100)) {
      expect(chooseNode(nodes, key, { viewerRegion: 'us' })?.region).toBe('us');
      expect(chooseNode(nodes, key, { viewerRegion: 'ap' })?.region).not.toBe('ap');
    }
  });

  it('asks for the viewer’s region (a function) only when the live nodes span regions, with the same choice as a value', () => {
    const mixed = [...eight, node('us1', { region: 'us' }), node('us2', { region: 'us' })];
    let asked = 0;
    const region = () => (asked++, 'us');
    for (const key of keys.slice(0, 50)) {
      expect(chooseNode(eight, key, { viewerRegion: region })?.nodeId).toBe(chooseNode(eight, key, { viewerRegion: 'us' })?.nodeId);
      expect(chooseNode(eight, key, { viewerRegion: region })?.nodeId).toBe(chooseNode(eight, key)?.nodeId);
    }
    expect(asked).toBe(0);
    for (const key of keys.slice(0, 50)) expect(chooseNode(mixed, key, { viewerRegion: region })?.nodeId).toBe(chooseNode(mixed, key, { viewerRegion: 'us' })?.nodeId);
    expect(asked).toBe(50);
  });

  it('spills a node above c × mean load to the next node in rendezvous order', () => {
    const key = 'video-42';
    const [first, second] = rankNodes(eight, key);
    const loaded = eight.map((n) => (n.nodeId === first!.nodeId ? { ...n, load: 0.9 } : n));
    // mean = (0.9 + 7 × 0.2) / 8 ≈ 0.29; bound 1.25 × 0.29 ≈ 0.36 < 0.9
    expect(chooseNode(loaded, key)?.nodeId).toBe(second!.nodeId);
    expect(chooseNode(loaded, key, { loadBound: 4 })?.nodeId).toBe(first!.nodeId);
  });

  it('does not spill at near-idle loads, where a tiny difference is noise', () => {
    const key = 'video-7';
    const first = rankNodes(eight, key)[0]!;
    const quiet = eight.map((n) => ({ ...n, load: n.nodeId === first.nodeId ? 0.02 : 0 }));
    expect(chooseNode(quiet, key)?.nodeId).toBe(first.nodeId);
    expect(chooseNode(quiet, key, { spillFloor: 0 })?.nodeId).not.toBe(first.nodeId);
  });

  it('gives a bigger node proportionally more content (capacity-weighted rendezvous)', () => {
    const nodes = [node('big', { capacity: 300 }), node('small1'), node('small2'), node('small3')];
    const big = keys.filter((key) => chooseNode(nodes, key)?.nodeId === 'big').length / keys.length;
    expect(big).toBeGreaterThan(0.45);
    expect(big).toBeLessThan(0.55);
  });

  it('refuses a load bound below 1', () => {
    expect(() => chooseNode(eight, 'x', { loadBound: 0.9 })).toThrow(/loadBound/);
  });
});
