/**
 * Run by `buildNodeProcess` (node-build.ts) in its own process: bundles one Node entry with esbuild and, if given,
 * its Temporal workflows; writes both under `buildDir(name)` (each file replaced whole, by rename) and prints
 * `{ main, workflows? }` as its last line.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { build, type Plugin } from 'esbuild';
import { buildDir, pinImportMetaUrl, type NodeBuild, type NodeBuildSpec } from './node-build.ts';
import { repoRoot } from './paths.ts';

/** Every module but the entry, whose `import.meta.url` stays the bundle's: "am I the main module?" checks still hold. */
function pinImportMetaUrlPlugin(entry: string): Plugin {
  return {
    name: 'pin-import-meta-url',
    setup(context) {
      context.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        return { contents: args.path === entry ? source : pinImportMetaUrl(source, pathToFileURL(args.path).href), loader: 'ts' };
      });
    },
  };
}

/** Written beside, then renamed over: a process starting meanwhile reads the old file or the new one, whole. */
async function replaceFile(path: string, contents: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const spec = JSON.parse(process.argv[2] ?? '') as NodeBuildSpec;
const dir = buildDir(spec.name);
await mkdir(dir, { recursive: true });

const entry = join(repoRoot, spec.entry);
const bundled = await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [pinImportMetaUrlPlugin(entry)],
  write: false,
  logLevel: 'error',
  outfile: join(dir, 'main.mjs'),
});
const result: NodeBuild = { main: join(dir, 'main.mjs') };
await replaceFile(result.main, bundled.outputFiles[0]!.contents);

if (spec.workflows) {
  const { code } = await bundleWorkflowCode({ workflowsPath: join(repoRoot, spec.workflows), logger: silent });
  result.workflows = join(dir, 'workflows.js');
  await replaceFile(result.workflows, code);
}
console.log(JSON.stringify(result));
