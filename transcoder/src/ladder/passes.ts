import type { RenditionPlan } from './plan-ladder.ts';

/** Share of the job done once READY is near: the rest is uploads and bookkeeping. */
const encodeShare = 0.95;

/**
 * Progress spans of the two passes (lowest rung alone, then the others), weighted by pixels encoded,
 * the main cost of a pass. Pure, so the workflow can call it.
 */
export function passSpans(renditions: Pick<RenditionPlan, 'width' | 'height'>[]): { first: [number, number]; rest: [number, number] } {
  const pixels = renditions.map((rendition) => rendition.width * rendition.height);
  const total = pixels.reduce((sum, value) => sum + value, 0);
  const firstEnd = total > 0 && renditions.length > 1 ? (encodeShare * pixels[0]!) / total : encodeShare;
  return { first: [0, firstEnd], rest: [firstEnd, encodeShare] };
}
