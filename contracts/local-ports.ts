import { z } from 'zod';

/**
 * Every port the local stack listens on (all on 127.0.0.1): `npm start` opens them, the operator CLI
 * and the tests dial them. Defaults are ARCHITECTURE.md's interface table.
 */
export interface StackPorts {
  origin: number;
  edge: number;
  /** The edge worker's inspector (DevTools), opened only with `VORA_EDGE_INSPECTOR=1`. */
  edgeInspector: number;
  minio: number;
  minioConsole: number;
  temporal: number;
  temporalUi: number;
  kafka: number;
  kafkaController: number;
  clickhouseHttp: number;
  clickhouseTcp: number;
  cdnNodes: [number, number, number];
  /** The live ingest's RTMP listener (nginx-rtmp). */
  ingestRtmp: number;
  /** The live ingest's stat page (nginx-rtmp `rtmp_stat`, loopback only): the origin reads publishers' bitrates there. */
  ingestStat: number;
  /** The origin shield (Varnish) in front of the gateway: CDN nodes and the edge pull media from it. */
  shield: number;
}

export const defaultPorts: StackPorts = {
  origin: 8080,
  edge: 8787,
  edgeInspector: 9229,
  minio: 9000,
  minioConsole: 9001,
  temporal: 7233,
  temporalUi: 8233,
  kafka: 9092,
  kafkaController: 9093,
  clickhouseHttp: 8123,
  clickhouseTcp: 9009,
  cdnNodes: [8081, 8082, 8083],
  ingestRtmp: 1935,
  ingestStat: 1936,
  shield: 8090,
};

/** The same layout, every port moved by `offset` (a second stack beside a developer's `npm start`). */
export function shiftedPorts(offset: number): StackPorts {
  const shifted = Object.fromEntries(
    Object.entries(defaultPorts).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map((port) => port + offset) : value + offset,
    ]),
  );
  return shifted as unknown as StackPorts;
}

const PortOffset = z.coerce.number().int().min(0).max(50_000);

/** VORA_PORT_OFFSET (default 0): the stack and the CLI read it here, so both aim at the same ports. */
export function portOffset(env: Record<string, string | undefined>): number {
  const parsed = PortOffset.safeParse(env.VORA_PORT_OFFSET ?? 0);
  if (!parsed.success) throw new Error(`VORA_PORT_OFFSET must be a whole number between 0 and 50000, got ${JSON.stringify(env.VORA_PORT_OFFSET)}`);
  return parsed.data;
}
