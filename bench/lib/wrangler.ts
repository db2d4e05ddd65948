// Workers under `wrangler dev` for benchmarks: bundled once into a temp dir and run with `no_bundle`,
// so edits to the repo during a run (other work on this machine) never reload the worker mid-measurement.
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ComponentSpec, StackContext } from '../../stack/component.ts';
import { edgeComponent, wranglerEnv } from '../../stack/components/edge.ts';
import { run } from '../../stack/exec.ts';
import { repoRoot } from '../../stack/paths.ts';

/**
 * Bundles `main` (absolute path) with the wrangler config text `toml` (its `main = …` line is replaced)
 * into `dir`; returns the path of a config that runs the bundle as is.
 */
export async function bundleWorker(dir: string, ctx: StackContext, toml: string, main: string): Promise<string> {
  const source = join(dir, `${basename(main, '.ts')}.source.toml`);
  await writeFile(source, toml.replace(/^main = .*$/m, `main = "${main}"`));
  const wrangler = join(repoRoot, 'node_modules/wrangler/bin/wrangler.js');
  const outdir = join(dir, `${basename(main, '.ts')}-bundle`);
  await run(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outdir, '--config', source], { env: { ...process.env, ...wranglerEnv(ctx) }, timeoutMs: 180_000 });
  const bundled = join(dir, `${basename(main, '.ts')}.bench.toml`);
  // The bundler names extra modules `{hash}-{name}`: module rules must match that prefix too.
  const rules = toml.replace(/^globs = \[.*\]$/gm, (line) => line.replace(/"\*\*\/(?!\*)/g, '"**/*'));
  await writeFile(bundled, rules.replace(/^main = .*$/m, `main = "${join(outdir, `${basename(main, '.ts')}.js`)}"\nno_bundle = true`));
  return bundled;
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
