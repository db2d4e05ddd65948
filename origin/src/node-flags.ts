/**
 * V8 flags the origin's Node process runs with, wherever it runs: `npm start` (stack/components/origin.ts), the origin
 * hosts (terraform's app-host template, checked by a unit test) and the gateway bench's server.
 *
 * `--heap-growing-percent=200`: after each full GC the old generation may grow to three times what survived
 * before the next one starts. V8 counts the ArrayBuffers allocated since the last full GC against that room, and
 * the streaming gateway allocates them at the segment rate (every 64 KiB read from MinIO is one; they die young).
 * With V8's own factor (about 1.1 for a steady heap) the room over the origin's ~33 MB of live objects was ~31 MB
 * (8 MB plus the young generation's size, `--trace-incremental-marking`), which the young buffers filled before a
 * scavenge freed them; so under a steady stream of segments a full GC started every ~130 ms (bench gateway-latency:
 * 60–100 a 12-s round at 100 segments/s, CPU per segment 8–12 ms), while a bare Node hop, whose heap is below V8's
 * 8 MB threshold for incremental marking, never started one. With 200: 0–1 a round and 4.2 ms a segment, the bare
 * hop's (100: 7–10 a round, 5.3 ms). The cost is memory: up to twice the live heap more garbage under load.
 */
export const originNodeFlags: readonly string[] = ['--heap-growing-percent=200'];
