import type { ComponentSpec } from './component.ts';
import type { StackContext } from './context.ts';
import { cdnNodeComponent } from './components/cdn-node.ts';
import { clickhouseComponent } from './components/clickhouse.ts';
import { edgeComponent } from './components/edge.ts';
import { kafkaComponent } from './components/kafka.ts';
import { minioComponent } from './components/minio.ts';
import { originComponent } from './components/origin.ts';
import { temporalComponent } from './components/temporal.ts';
import { transcoderComponent } from './components/transcoder.ts';

/** The whole local stack of `npm start`, in no particular order (dependsOn orders the start). */
export function localStack(ctx: StackContext): ComponentSpec[] {
  return [
    minioComponent(ctx),
    temporalComponent(ctx),
    kafkaComponent(ctx),
    clickhouseComponent(ctx),
    originComponent(ctx),
    transcoderComponent(ctx),
    edgeComponent(ctx),
    cdnNodeComponent(ctx, 1),
    cdnNodeComponent(ctx, 2),
    cdnNodeComponent(ctx, 3),
  ];
}
