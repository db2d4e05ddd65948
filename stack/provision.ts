import type { ToolSpec } from './tool.ts';
import { chromiumTool } from './tools/chromium.ts';
import { clickhouseTool } from './tools/clickhouse.ts';
import { ffmpegTool, ffprobeTool } from './tools/ffmpeg.ts';
import { kafkaTool } from './tools/kafka.ts';
import { minioTool } from './tools/minio.ts';
import { nginxRtmpTool, nginxTool } from './tools/nginx.ts';
import { postgresTool } from './tools/postgres.ts';
import { espeakTool, fasterWhisperTool, pocketsphinxTool } from './tools/speech.ts';
import { temporalTool } from './tools/temporal.ts';
import { tuspyTool } from './tools/tuspy.ts';
import { varnishTool } from './tools/varnish.ts';

/**
 * Tools grouped in lanes that install side by side: Debian packages one after another (apt holds
 * a lock), Go builds one after another (each uses every core), Maven alone, pip alone.
 */
export const toolLanes: ToolSpec[][] = [
  [ffmpegTool, ffprobeTool, nginxTool, nginxRtmpTool, varnishTool, postgresTool, clickhouseTool, chromiumTool, pocketsphinxTool, espeakTool],
  [minioTool, temporalTool],
  [kafkaTool],
  [tuspyTool, fasterWhisperTool],
];

export const allTools = toolLanes.flat();

export interface ToolStatus {
  tool: ToolSpec;
  path: string | null;
  version?: string;
  error?: string;
}

export async function toolStatus(tool: ToolSpec): Promise<ToolStatus> {
  const path = await tool.locate();
  if (!path) return { tool, path };
  try {
    return { tool, path, version: await tool.version(path) };
  } catch (error) {
    return { tool, path, error: `found but does not run: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Finds or installs every tool; one progress line per step. Resolves with the total seconds. */
export async function provision(log: (line: string) => void, tools: ToolSpec[][] = toolLanes): Promise<number> {
  const started = performance.now();
  const lane = async (laneTools: ToolSpec[]) => {
    for (const tool of laneTools) {
      const found = await tool.locate();
      if (found) {
        log(`✓ ${tool.name} ${found}`);
        continue;
      }
      const t0 = performance.now();
      log(`… ${tool.name}: installing ${tool.pinned}`);
      try {
        await tool.install((line) => log(`  ${tool.name}: ${line}`));
      } catch (error) {
        throw new Error(`could not install ${tool.name}: ${(error as Error).message}\n  fix: ${tool.fix}`);
      }
      const path = await tool.locate();
      if (!path) throw new Error(`${tool.name} still missing after install — fix: ${tool.fix}`);
      log(`✓ ${tool.name} installed in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${path}`);
    }
  };
  const results = await Promise.allSettled(tools.map(lane));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) throw new Error(failures.join('\n'));
  return (performance.now() - started) / 1000;
}
