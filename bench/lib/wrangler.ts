// Workers for benchmarks, run by the stack's edge launcher (stack/edge-dev.ts): it bundles a worker once at its start
// and never watches, so edits to the repo during a run (other work on this machine) never reload it mid-measurement.
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ComponentSpec, StackContext } from '../../stack/component.ts';
import { edgeComponent } from '../../stack/components/edge.ts';
import { repoRoot } from '../../stack/paths.ts';

/** The wrangler config text `toml` with its `main = …` line naming `main` (absolute path), written into `dir`; returns its path. */
export async function workerConfig(dir: string, toml: string, main: string): Promise<string> {
  const path = join(dir, `${basename(main, '.ts')}.bench.toml`);
  await writeFile(path, toml.replace(/^main = .*$/m, `main = "${main}"`));
  return path;
}

/** The repo's wrangler.toml with its relative asset directory made absolute (the bundle config lives elsewhere). */
export function repoWranglerToml(text: string): string {
  return text.replace(/^directory = "edge\/public"$/m, `directory = "${join(repoRoot, 'edge/public')}"`);
}

/** The stack's edge component (ports, secrets, state from ctx) running the config at `configPath` under `name`. */
export function workerComponent(ctx: StackContext, configPath: string, name = 'edge'): ComponentSpec {
  const edge = edgeComponent(ctx);
  return {
    ...edge,
    name,
    async command() {
      const command = await edge.command();
      // Media straight from the bench's stand-in origin: no shield runs beside a bench worker.
      const mediaFromOrigin = (arg: string) => (arg.startsWith('MEDIA_URL:') ? `MEDIA_URL:http://127.0.0.1:${ctx.ports.origin}` : arg);
      return { ...command, args: command.args.map((arg, i) => (command.args[i - 1] === '--config' ? configPath : mediaFromOrigin(arg))) };
    },
  };
}
