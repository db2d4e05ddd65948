/**
 * The stack's Node processes (origin, transcoder) run from JavaScript built at each start instead of through tsx:
 * their own code in one esbuild bundle (packages stay in node_modules) and their Temporal workflows bundled ahead
 * of time. The building happens in a throwaway process (`node-build-run.ts`), so neither esbuild's service nor
 * webpack stays resident in the long-running ones (bench/README.md, "memory of the Node components").
 */
import { join } from 'node:path';
import { run } from './exec.ts';
import { repoRoot } from './paths.ts';

export interface NodeBuildSpec {
  /** Names the output folder: `node_modules/.cache/vora/{name}/`. */
  name: string;
  /** The process's entry, relative to the repo root (`origin/src/main.ts`). */
  entry: string;
  /** Temporal workflow modules to bundle ahead, relative to the repo root (`transcoder/src/workflows.ts`). */
  workflows?: string;
}

export interface NodeBuild {
  /** The bundled entry, run with plain `node`. */
  main: string;
  /** The workflow bundle, for `Worker.create({ workflowBundle: { codePath } })`. */
  workflows?: string;
}

/**
 * Inside node_modules so the bundle resolves its packages from the repo's node_modules (they are left out of it),
 * wherever the stack keeps its data.
 */
export const buildDir = (name: string) => join(repoRoot, 'node_modules', '.cache', 'vora', name);

const inFlight = new Map<string, Promise<NodeBuild>>();

/** Builds `spec` in a child process and returns where its files are; callers asking at the same time share one build. */
export function buildNodeProcess(spec: NodeBuildSpec): Promise<NodeBuild> {
  const running = inFlight.get(spec.name) ?? buildInChildProcess(spec).finally(() => inFlight.delete(spec.name));
  inFlight.set(spec.name, running);
  return running;
}

async function buildInChildProcess(spec: NodeBuildSpec): Promise<NodeBuild> {
  const out = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'stack', 'node-build-run.ts'), JSON.stringify(spec)], { cwd: repoRoot, timeoutMs: 180_000 });
  const line = out.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as NodeBuild;
  } catch {
    throw new Error(`building ${spec.entry} printed no result (last line: ${line || 'none'})`);
  }
}

/**
 * Source of a module as it goes into the bundle: `import.meta.url` pinned to the module's own file, so paths it
 * resolves next to itself (workflow files, scripts, packages) stay right although the code runs from the bundle.
 * The entry is left as it is (node-build-run.ts), so its main-module check compares the bundle with `argv[1]`.
 */
export function pinImportMetaUrl(source: string, fileUrl: string): string {
  return source.replace(/\bimport\.meta\.url\b/g, JSON.stringify(fileUrl));
}
