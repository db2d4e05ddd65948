/**
 * hls-parser writes a variant's EXT-X-MEDIA renditions before every EXT-X-STREAM-INF that names their group, so a
 * group shared by N variants comes out N times, which RFC 8216 §4.3.4.1.1 forbids (one NAME per group) and players
 * list as N tracks. This post-processor (hls-parser's `variantProcessor`) keeps each EXT-X-MEDIA line once: the
 * origin's master and the edge's rewrite of it both write through it. Pure, no imports (it runs in Node and workerd).
 */
export function mediaTagsOnce(): { variantProcessor: (lines: string[], start: number, end: number) => void } {
  const written = new Set<string>();
  return {
    variantProcessor(lines, start, end) {
      for (let index = end; index >= start; index--) {
        const line = lines[index]!;
        if (!line.startsWith('#EXT-X-MEDIA:')) continue;
        // Walking backwards, so an earlier variant's copy is the one that stays.
        if (written.has(line)) lines.splice(index, 1);
      }
      for (let index = start; index < lines.length; index++) if (lines[index]!.startsWith('#EXT-X-MEDIA:')) written.add(lines[index]!);
    },
  };
}
