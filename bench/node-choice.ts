// Node-choice simulation: 8 CDN nodes, Zipf(1.0) catalogue, one node failing half-way.
// Run: node --import tsx bench/node-choice.ts
import { chooseNode, rankNodes, type NodeRecord } from '../edge/src/playback/choose-node.ts';
import { modeNote, quick } from './lib/options.ts';
import { writeResults } from './lib/results.ts';

const NODES = 8;
const ITEMS = quick ? 2_000 : 10_000;
const REQUESTS = quick ? 20_000 : 200_000;
const CACHE_ITEMS = ITEMS * 0.05;
const WINDOW = 1_000;
const FAIL_AT = REQUESTS / 2;

/** Deterministic PRNG (mulberry32) so every strategy sees the same request stream. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function zipfStream(count: number, items: number, exponent: number, seed: number): Int32Array {
  const cdf = new Float64Array(items);
  let total = 0;
  for (let i = 0; i < items; i++) cdf[i] = total += 1 / (i + 1) ** exponent;
  const next = random(seed);
  const stream = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const target = next() * total;
    let lo = 0, hi = items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1; else hi = mid;
    }
    stream[r] = lo;
  }
  return stream;
}

class Lru {
  private entries = new Map<number, true>();
  constructor(private capacity: number) {}
  /** True on a hit; a miss fetches from the origin and caches the item. */
  get(item: number): boolean {
    const hit = this.entries.delete(item);
    this.entries.set(item, true);
    if (!hit && this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return hit;
  }
}

type Strategy = (nodes: NodeRecord[], key: string, request: number) => NodeRecord;

interface Report { name: string; hit: number; hitAfterFailure: number; maxMeanBefore: number; maxMeanAfter: number; peakWindow: number }

function simulate(name: string, strategy: Strategy, stream: Int32Array, loadRefreshEvery = 1): Report {
  const nodes: NodeRecord[] = Array.from({ length: NODES }, (_, i) => ({
    nodeId: `node-${i}`, url: `http://node-${i}.example`, region: 'eu', capacity: 1, load: 0, state: 'live' as const, seenAt: 0,
  }));
  const caches = new Map(nodes.map((node) => [node.nodeId, new Lru(CACHE_ITEMS)]));
  const index = new Map(nodes.map((node, i) => [node.nodeId, i]));
  const window = new Int32Array(WINDOW).fill(-1);
  const inWindow = new Float64Array(NODES);
  const totals = [new Float64Array(NODES), new Float64Array(NODES)];
  let hits = 0, hitsAfter = 0, peakWindow = 0;
  let live = nodes;
  for (let r = 0; r < stream.length; r++) {
    if (r === FAIL_AT) {
      live = nodes.filter((node) => node.nodeId !== 'node-3');
      caches.set('node-3', new Lru(CACHE_ITEMS));
    }
    // Load fed back to chooseNode = share of the sliding window (refreshed like a heartbeat would be).
    if (r % loadRefreshEvery === 0) for (const node of nodes) node.load = inWindow[index.get(node.nodeId)!]! / WINDOW;
    const chosen = strategy(live, `video-${stream[r]}`, r);
    const n = index.get(chosen.nodeId)!;
    if (caches.get(chosen.nodeId)!.get(stream[r]!)) { hits++; if (r >= FAIL_AT) hitsAfter++; }
    const leaving = window[r % WINDOW]!;
    if (leaving >= 0) inWindow[leaving]!--;
    window[r % WINDOW] = n;
    inWindow[n]!++;
    totals[r < FAIL_AT ? 0 : 1]![n]!++;
    if (r >= WINDOW && r % 100 === 0) {
      const counts = live.map((node) => inWindow[index.get(node.nodeId)!]!);
      peakWindow = Math.max(peakWindow, Math.max(...counts) / (WINDOW / live.length));
    }
  }
  const maxMean = (counts: Float64Array, alive: number) => Math.max(...counts) / (counts.reduce((a, b) => a + b, 0) / alive);
  return { name, hit: hits / stream.length, hitAfterFailure: hitsAfter / (stream.length - FAIL_AT), maxMeanBefore: maxMean(totals[0]!, NODES), maxMeanAfter: maxMean(totals[1]!, NODES - 1), peakWindow };
}

const stream = zipfStream(REQUESTS, ITEMS, 1.0, 42);
let turn = 0;
const started = performance.now();
const reports = [
  simulate('round-robin', (nodes) => nodes[turn++ % nodes.length]!, stream),
  simulate('consistent hashing (rendezvous, no bound)', (nodes, key) => rankNodes(nodes, key)[0]!, stream),
  simulate('rendezvous + bounded loads c=1.25', (nodes, key) => chooseNode(nodes, key, { loadBound: 1.25, spillFloor: 0 })!, stream),
  simulate('  same, loads refreshed every 2,000 requests', (nodes, key) => chooseNode(nodes, key, { loadBound: 1.25, spillFloor: 0 })!, stream, 2_000),
];
const elapsed = performance.now() - started;

console.log(`${NODES} nodes, ${ITEMS} items Zipf(1.0), ${REQUESTS} requests, LRU of ${CACHE_ITEMS} items per node, node-3 fails at request ${FAIL_AT}; load window ${WINDOW} requests`);
console.log(`${'strategy'.padEnd(46)} ${'hit ratio'.padStart(9)} ${'hit after fail'.padStart(14)} ${'max/mean 1st half'.padStart(17)} ${'max/mean 2nd half'.padStart(17)} ${'peak window max/mean'.padStart(20)}`);
for (const r of reports) {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(`${r.name.padEnd(46)} ${pct(r.hit).padStart(9)} ${pct(r.hitAfterFailure).padStart(14)} ${r.maxMeanBefore.toFixed(2).padStart(17)} ${r.maxMeanAfter.toFixed(2).padStart(17)} ${r.peakWindow.toFixed(2).padStart(20)}`);
}
console.log(`(${(elapsed / 1000).toFixed(1)} s; chooseNode ≈ ${((elapsed / 4 / REQUESTS) * 1000).toFixed(2)} µs per request including the simulation)`);

// Loads fed back every request (what bounded loads assume) are the figures of record; heartbeat-stale loads get their own row.
const [roundRobin, hashing, bounded, stale] = reports as [Report, Report, Report, Report];
const worstMaxMean = (r: Report) => Math.max(r.maxMeanBefore, r.maxMeanAfter);
const setting = `${NODES} nodes, Zipf(1.0) over ${ITEMS} items, ${REQUESTS} requests, LRU ${CACHE_ITEMS} items per node, node-3 fails half-way; deterministic simulation`;
const notes = (extra: string) => [extra, setting, modeNote].filter(Boolean).join('; ');
const hashingBaseline = 'plain consistent hashing (rendezvous, no load bound)';
await writeResults('node-choice', [
  {
    name: 'node-choice', value: bounded.hit, unit: 'hit ratio', better: 'higher', baseline: hashingBaseline, baselineValue: hashing.hit,
    goal: { ratioAtLeast: 0.95 }, notes: notes(`chooseNode c=1.25, loads refreshed every request; after the failure ${bounded.hitAfterFailure.toFixed(3)}`),
  },
  {
    name: 'node-choice-max-mean', value: worstMaxMean(bounded), unit: 'max/mean', better: 'lower', baseline: hashingBaseline, baselineValue: worstMaxMean(hashing),
    goal: { valueAtMost: 1.25 }, notes: notes(`worse of the two halves (before/after the failure); peak 1,000-request window ${bounded.peakWindow.toFixed(2)}`),
  },
  {
    name: 'node-choice-max-mean-stale-loads', value: worstMaxMean(stale), unit: 'max/mean', better: 'lower', baseline: hashingBaseline, baselineValue: worstMaxMean(hashing),
    goal: { valueAtMost: 1.25 }, notes: notes(`loads refreshed every 2,000 requests, as heartbeats leave them; hit ratio ${stale.hit.toFixed(3)}; peak window ${stale.peakWindow.toFixed(2)}`),
  },
  {
    name: 'node-choice-vs-round-robin', value: bounded.hit, unit: 'hit ratio', better: 'higher', baseline: 'round-robin', baselineValue: roundRobin.hit,
    goal: {}, notes: notes(`round-robin max/mean ${worstMaxMean(roundRobin).toFixed(2)}`),
  },
]);
