import { run, which, aptInstall } from '../exec.ts';
import type { ToolSpec } from '../tool.ts';

/** ffmpeg and ffprobe both come from Debian's `ffmpeg` package; any recent release does. */
function ffmpegPackageTool(name: 'ffmpeg' | 'ffprobe'): ToolSpec {
  return {
    name,
    pinned: 'debian',
    locate: () => which(name),
    async version(path) {
      const output = await run(path, ['-hide_banner', '-version'], { timeoutMs: 10_000 });
      return (output.split('\n')[0] ?? '').replace(new RegExp(`^${name} version\\s*`), '').split(' ')[0] ?? '';
    },
    install: (progress) => aptInstall(['ffmpeg'], progress),
    fix: 'run `sudo apt-get install ffmpeg` (Debian/Ubuntu) or `brew install ffmpeg` (macOS)',
  };
}

export const ffmpegTool: ToolSpec = ffmpegPackageTool('ffmpeg');
export const ffprobeTool: ToolSpec = ffmpegPackageTool('ffprobe');
