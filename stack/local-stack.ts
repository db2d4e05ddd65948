import { join } from 'node:path';
import { portOffset, shiftedPorts } from '../contracts/local-ports.ts';
import { stackContext, type ComponentSpec, type StackContext } from './component.ts';
import { cdnNodeComponent } from './components/cdn-node.ts';
import { clickhouseComponent } from './components/clickhouse.ts';
import { edgeComponent } from './components/edge.ts';
import { ingestComponent } from './components/ingest.ts';
import { ingestSrtComponent } from './components/ingest-srt.ts';
import { kafkaComponent } from './components/kafka.ts';
import { minioComponent } from './components/minio.ts';
import { originComponent } from './components/origin.ts';
import { shieldComponent } from './components/shield.ts';
import { temporalComponent } from './components/temporal.ts';
import { transcoderComponent } from './components/transcoder.ts';
import { dataDir } from './paths.ts';
import { loadOrCreateSecrets } from './secrets.ts';

/**
 * The context of the developer's stack: `.vora/` (or VORA_HOME), default ports shifted by
 * VORA_PORT_OFFSET, secrets from `.vora/secrets.json` unless the environment gives them.
 */
export async function localContext(env: NodeJS.ProcessEnv = process.env): Promise<StackContext> {
  return stackContext(shiftedPorts(portOffset(env)), await loadOrCreateSecrets(dataDir, env), dataDir);
}

/** The whole local stack of `npm start`, in no particular order (dependsOn orders the start). */
export function localStack(ctx: StackContext): ComponentSpec[] {
  return [
    minioComponent(ctx),
    temporalComponent(ctx),
    kafkaComponent(ctx),
    clickhouseComponent(ctx),
    originComponent(ctx),
    transcoderComponent(ctx),
    ingestComponent(ctx),
    ingestSrtComponent(ctx),
    shieldComponent(ctx),
    edgeComponent(ctx),
    cdnNodeComponent(ctx, 1),
    cdnNodeComponent(ctx, 2),
    cdnNodeComponent(ctx, 3),
  ];
}

/** Where `vora dev` records what it runs, for `vora doctor` and the CLI. */
export const stackStatePath = (ctx: StackContext) => join(ctx.dataDir, 'stack.json');
