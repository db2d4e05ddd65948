/**
 * Ports of a test file's own. Each file gets a block picked by a stable hash of its path (so a failing run
 * names the same ports the next time), skipping to the next block while any port in it is taken (a
 * developer's stack, another run, a lingering server). All below Linux's ephemeral range (32768+),
 * where the OS hands out ports for outgoing connections.
 */
import { createServer } from 'node:net';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackPorts } from '../../contracts/local-ports.ts';
import { shiftedPorts } from '../../contracts/local-ports.ts';
import { temporalExtraPorts } from '../../stack/components/temporal.ts';
import { repoRoot } from '../../stack/paths.ts';

/** Compact blocks for tests that start components themselves: 20 ports each from 20200 up to 32199. */
const BLOCK_BASE = 20_200;
const BLOCK_SIZE = 20;
const BLOCK_COUNT = 600;

/** `vora dev` takes one offset for its default layout: offsets 10000-10900 in steps of 100 never share a port (ports 11935-20140). */
const OFFSET_BASE = 10_000;
const OFFSET_STEP = 100;
const OFFSET_COUNT = 10;

/** The repository-relative path of a test file from its `import.meta.url` (or a path), the key its ports hang on. */
export function testFileKey(fileUrlOrPath: string): string {
  const path = fileUrlOrPath.startsWith('file:') ? fileURLToPath(fileUrlOrPath) : fileUrlOrPath;
  return relative(repoRoot, path).split('\\').join('/');
}

/** FNV-1a (32 bit): a small stable hash, the same on every machine and Node version. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of Buffer.from(text, 'utf8')) {
    hash ^= char;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The stack's ports packed into the block that starts at `first` (Temporal's HTTP and metrics ports, gRPC + 10 and + 11, stay inside). */
export function blockPorts(first: number): StackPorts {
  return {
    origin: first,
    edge: first + 1,
    edgeInspector: first + 2,
    minio: first + 3,
    minioConsole: first + 4,
    temporal: first + 5,
    temporalUi: first + 6,
    kafka: first + 7,
    kafkaController: first + 8,
    clickhouseHttp: first + 9,
    clickhouseTcp: first + 10,
    cdnNodes: [first + 11, first + 12, first + 13],
    ingestRtmp: first + 14,
    // first + 15 and + 16 are Temporal's HTTP and metrics ports.
    shield: first + 17,
    ingestStat: first + 18,
  };
}

/** Every port a stack on `ports` listens on, Temporal's extra two included. */
export function listeningPorts(ports: StackPorts): number[] {
  const { cdnNodes, ...single } = ports;
  const extra = temporalExtraPorts(ports.temporal);
  return [...Object.values(single), ...cdnNodes, extra.http, extra.metrics];
}

/** This file's own block of ports (see the top of this file); logs the block so a failure can be followed to its servers. */
export async function testPorts(testFile: string): Promise<StackPorts> {
  const key = testFileKey(testFile);
  const start = stableHash(key) % BLOCK_COUNT;
  for (let step = 0; step < BLOCK_COUNT; step += 1) {
    const first = BLOCK_BASE + ((start + step) % BLOCK_COUNT) * BLOCK_SIZE;
    const ports = blockPorts(first);
    if (await allFree(listeningPorts(ports))) {
      console.log(`[ports] ${key}: ${first}-${first + BLOCK_SIZE - 1}${step ? ` (block ${start} was taken, moved ${step} on)` : ''}`);
      return ports;
    }
  }
  throw new Error(`no free block of ${BLOCK_SIZE} ports between ${BLOCK_BASE} and ${BLOCK_BASE + BLOCK_COUNT * BLOCK_SIZE}: what is holding them?`);
}

/** This file's own VORA_PORT_OFFSET for `vora dev` (e2e and fault tests), picked and checked the same way. */
export async function testPortOffset(testFile: string): Promise<number> {
  const key = testFileKey(testFile);
  const start = stableHash(key) % OFFSET_COUNT;
  for (let step = 0; step < OFFSET_COUNT; step += 1) {
    const offset = OFFSET_BASE + ((start + step) % OFFSET_COUNT) * OFFSET_STEP;
    if (await allFree(listeningPorts(shiftedPorts(offset)))) {
      console.log(`[ports] ${key}: VORA_PORT_OFFSET=${offset}`);
      return offset;
    }
  }
  throw new Error(`every VORA_PORT_OFFSET from ${OFFSET_BASE} to ${OFFSET_BASE + (OFFSET_COUNT - 1) * OFFSET_STEP} has a port taken: is another e2e or fault run still up?`);
}

/** A port the OS says is free on 127.0.0.1 (free now; a test binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function allFree(ports: number[]): Promise<boolean> {
  for (const port of ports) if (!(await isFree(port))) return false;
  return true;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
