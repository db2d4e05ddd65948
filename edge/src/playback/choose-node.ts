import type { NodeRecord } from '../../../contracts/nodes.ts';
import { pairHash } from './hash.ts';

export type { NodeRecord };

export interface ChooseNodeOptions {
  /**
   * The viewer's region (e.g. Cloudflare's `request.cf.continent` or colo region); its live nodes are preferred.
   * A function is called only when the live nodes span more than one region (else the region changes nothing).
   */
  viewerRegion?: string | (() => string | undefined);
  /** c in "consistent hashing with bounded loads": a node above c × mean load spills to the next choice. */
  loadBound?: number;
  /** Below this load a node is never "overloaded": at near-idle, noise must not break cache stickiness. */
  spillFloor?: number;
}

/** Weighted rendezvous score (-w / ln u): with equal capacities this is plain highest-random-weight. */
function rendezvousScore(node: NodeRecord, contentKey: string): number {
  const unit = (pairHash(node.nodeId, contentKey) + 0.5) / 4294967296;
  return -node.capacity / Math.log(unit);
}

/**
 * Live nodes for `contentKey`, best first: the viewer's region when it has a live node, else all live
 * nodes; ordered by rendezvous score so the same content keeps landing on the same node.
 */
export function rankNodes(nodes: readonly NodeRecord[], contentKey: string, viewerRegion?: ChooseNodeOptions['viewerRegion']): NodeRecord[] {
  const live = nodes.filter((node) => node.state === 'live' && node.capacity > 0);
  // In one region, the viewer's either matches every live node or none: the pool is all of them either way.
  const oneRegion = live.every((node) => node.region === live[0]!.region);
  const region = oneRegion || typeof viewerRegion !== 'function' ? viewerRegion : viewerRegion();
  const local = oneRegion || region === undefined ? [] : live.filter((node) => node.region === region);
  const pool = local.length > 0 ? local : live;
  return pool
    .map((node) => ({ node, score: rendezvousScore(node, contentKey) }))
    .sort((a, b) => b.score - a.score || (a.node.nodeId < b.node.nodeId ? -1 : 1))
    .map((entry) => entry.node);
}

/**
 * The CDN node that should serve `contentKey` (a video id): rendezvous hashing for stickiness, with bounded
 * loads — a node whose load (already a fraction of its capacity) exceeds c × the pool's mean is skipped
 * for the next in rendezvous order. Deterministic for the same inputs; null when no node is live.
 */
export function chooseNode(nodes: readonly NodeRecord[], contentKey: string, options: ChooseNodeOptions = {}): NodeRecord | null {
  const loadBound = options.loadBound ?? 1.25;
  if (!(loadBound >= 1)) throw new Error(`loadBound must be >= 1 (got ${loadBound}): below 1 every node can be over the bound`);
  const ranked = rankNodes(nodes, contentKey, options.viewerRegion);
  if (ranked.length === 0) return null;
  const meanLoad = ranked.reduce((sum, node) => sum + node.load, 0) / ranked.length;
  const limit = Math.max(loadBound * meanLoad, options.spillFloor ?? 0.05);
  // Someone is always at or below the mean, so this finds a node; the fallback guards NaN loads.
  return ranked.find((node) => node.load <= limit) ?? ranked[0]!;
}
