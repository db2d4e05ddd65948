/**
 * The edge worker under the local Workers runtime (workerd), run by Miniflare directly, the way `wrangler dev`
 * runs it minus what only an interactive session needs:
 * - no inspector by default: `wrangler dev` always opens one, and with no DevTools attached wrangler's inspector
 *   proxy keeps every runtime message it receives (four Network events per subrequest), which grew the soak's edge
 *   by ~20 MiB a minute (bench/README.md "soak"). `--inspector-port N` opens it for debugging;
 * - no second workerd running wrangler's ProxyWorker in front of the worker (it exists to hold requests while a
 *   rebuild reloads the worker; nothing is rebuilt here). It answered POSTs it could not hand over with
 *   `503 Your worker restarted mid-request`, and grew with the soak's load (bench/README.md "soak, re-measured");
 * - no esbuild service, wrangler nor config reader resident: a throwaway child (`--prepare`) bundles the worker and
 *   translates wrangler.toml into Miniflare's options with wrangler's own function, and this process keeps only
 *   Miniflare.
 * State stays in wrangler's layout under `--persist-to` (`v3/kv`, `v3/do`, …).
 *
 * Usage: node --import tsx stack/edge-dev.ts --config wrangler.toml --ip 127.0.0.1 --port 8787 --persist-to DIR
 *          --env-file FILE [--var NAME:VALUE]… [--inspector-port N] [--log-level info]
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WorkerOptions } from 'miniflare';
import { run } from './exec.ts';

export interface EdgeDevOptions {
  config: string;
  ip: string;
  port: number;
  persistTo: string;
  envFile: string;
  vars: Record<string, string>;
  /** undefined: no inspector (the default). */
  inspectorPort?: number;
  logLevel: 'debug' | 'info' | 'log' | 'warn' | 'error' | 'none';
}

const LOG_LEVELS = ['debug', 'info', 'log', 'warn', 'error', 'none'] as const;

/** The launcher's command line, checked: a wrong flag names itself and what it expects. Pure. */
export function parseEdgeDevArgs(argv: string[]): EdgeDevOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      ip: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      'persist-to': { type: 'string' },
      'env-file': { type: 'string' },
      var: { type: 'string', multiple: true, default: [] },
      'inspector-port': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
    strict: true,
  });
  const required = (name: 'config' | 'port' | 'persist-to' | 'env-file') => {
    const value = values[name];
    if (!value) throw new Error(`--${name} is required (stack/components/edge.ts passes it)`);
    return value;
  };
  const portOf = (name: string, text: string) => {
    const port = Number(text);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--${name} must be a port number (1-65535), not ${JSON.stringify(text)}`);
    return port;
  };
  const vars: Record<string, string> = {};
  for (const entry of values.var ?? []) {
    const colon = entry.indexOf(':');
    if (colon < 1) throw new Error(`--var takes NAME:VALUE, not ${JSON.stringify(entry)}`);
    vars[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  const logLevel = values['log-level'] as EdgeDevOptions['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}`);
  return {
    config: required('config'),
    ip: values.ip!,
    port: portOf('port', required('port')),
    persistTo: required('persist-to'),
    envFile: required('env-file'),
    vars,
    ...(values['inspector-port'] ? { inspectorPort: portOf('inspector-port', values['inspector-port']) } : {}),
    logLevel,
  };
}

/**
 * The Text-module rules of wrangler.toml (`[[rules]] type = "Text"`) as one esbuild filter, so that the file they
 * name is bundled as a string the way wrangler bundles it. Only `**\/name` globs, the kind wrangler.toml uses. Pure.
 */
export function textModuleFilter(rules: readonly { type: string; globs: readonly string[] }[]): RegExp | null {
  const names = rules.filter((rule) => rule.type === 'Text').flatMap((rule) => rule.globs).map((glob) => {
    const name = /^\*\*\/([^*?/[\]{}]+)$/.exec(glob)?.[1];
    if (!name) throw new Error(`Text rule glob ${JSON.stringify(glob)}: stack/edge-dev.ts bundles only "**/file-name" globs; add support there or use one`);
    return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return names.length === 0 ? null : new RegExp(`/(?:${names.join('|')})$`);
}

/** What the throwaway child hands the long-running process: the bundled worker and its Miniflare options. */
interface PreparedWorker {
  name: string;
  scriptPath: string;
  workerOptions: WorkerOptions;
}

/**
 * The worker as one ES module, bundled the way wrangler bundles it for workerd (its conditions and target; Text
 * rules as strings), and wrangler.toml as Miniflare options (bindings, KV, Durable Objects, static assets and their
 * routing) by wrangler's own translation. Runs in the `--prepare` child only.
 */
async function prepareWorker(options: EdgeDevOptions): Promise<PreparedWorker> {
  const [esbuild, wrangler] = await Promise.all([import('esbuild'), import('wrangler')]);
  const config = wrangler.unstable_readConfig({ config: options.config });
  if (!config.main) throw new Error(`${options.config} names no \`main\` module for the worker`);
  // Beside the stack's own state: two stacks of one checkout (npm start and a test's) never write one file.
  const scriptPath = join(options.persistTo, 'worker-bundle', 'index.js');
  const textFiles = textModuleFilter(config.rules);
  try {
    await esbuild.build({
      entryPoints: [resolve(dirname(options.config), config.main)],
      outfile: scriptPath,
      bundle: true,
      format: 'esm',
      target: 'es2024',
      conditions: ['workerd', 'worker', 'browser'],
      // The runtime's own modules (`cloudflare:workers`, `node:*` under nodejs_compat) come from workerd.
      external: ['cloudflare:*', 'node:*'],
      sourcemap: 'linked',
      define: { 'process.env.NODE_ENV': '"development"' },
      logLevel: 'warning',
      plugins: textFiles
        ? [{ name: 'wrangler-text-rules', setup: (build) => build.onLoad({ filter: textFiles }, async (args) => ({ contents: await readFile(args.path, 'utf8'), loader: 'text' })) }]
        : [],
    });
  } finally {
    await esbuild.stop();
  }
  // wrangler 4.86 reads `envFiles` here (its .d.ts leaves it out); without it, a `.dev.vars` or `.env` beside
  // wrangler.toml would be read instead of the stack's secrets file.
  const secretsFrom = { envFiles: [options.envFile] } as Parameters<typeof wrangler.unstable_getMiniflareWorkerOptions>[2];
  const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(config, undefined, secretsFrom);
  return { name: config.name, scriptPath, workerOptions };
}

/**
 * prepareWorker in a child process of this same launcher, so wrangler (~100 MiB more than Miniflare once loaded)
 * never stays resident here.
 */
async function prepareInChildProcess(argv: string[]): Promise<PreparedWorker> {
  // The options hold the worker's secrets: they come back on the child's stdout, never on a command line.
  const out = await run(process.execPath, [...process.execArgv, process.argv[1]!, '--prepare', ...argv], { timeoutMs: 120_000 });
  const line = out.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as PreparedWorker;
  } catch {
    throw new Error(`preparing the worker printed no result (last line: ${line.slice(0, 200) || 'none'})`);
  }
}

/**
 * One full GC once Miniflare is up. Requests go straight to workerd (only their log lines come back here), so this
 * process allocates little from now on and V8 would keep its start-up garbage (~60 MiB resident: the bundle read,
 * the runtime's config) for the stack's life.
 */
function releaseStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // A few seconds on, once what the start left pending (Miniflare's own follow-ups) has settled too.
  setTimeout(gc, 3_000).unref();
}

const MINIFLARE_LOG_LEVEL = { debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR', none: 'NONE' } as const;

async function serve(argv: string[]): Promise<void> {
  const options = parseEdgeDevArgs(argv);
  const prepared = await prepareInChildProcess(argv);
  const { Log, LogLevel, Miniflare } = await import('miniflare');
  const miniflare = new Miniflare({
    host: options.ip,
    port: options.port,
    ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    // wrangler's layout under --persist-to, so state written by earlier `wrangler dev` runs is read the same.
    defaultPersistRoot: join(options.persistTo, 'v3'),
    // request.cf: Miniflare's placeholder, never downloaded from Cloudflare.
    cf: false,
    log: new Log(LogLevel[MINIFLARE_LOG_LEVEL[options.logLevel]]),
    workers: [
      {
        ...prepared.workerOptions,
        name: prepared.name,
        modules: true,
        scriptPath: prepared.scriptPath,
        // Module names are paths under this root, and workerd refuses one that climbs out with `..`.
        modulesRoot: dirname(prepared.scriptPath),
        bindings: { ...prepared.workerOptions.bindings, ...options.vars },
      },
    ],
  });
  const url = await miniflare.ready;
  releaseStartupGarbage();
  process.stdout.write(`[edge-dev] ready on ${url.href} (inspector ${options.inspectorPort === undefined ? 'off' : `on ${options.ip}:${options.inspectorPort}`})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`[edge-dev] ${signal}: stopping\n`);
    miniflare.dispose().then(
      () => process.exit(0),
      (error: unknown) => (process.stderr.write(`[edge-dev] stop failed: ${String(error)}\n`), process.exit(1)),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] !== '--prepare') return serve(argv);
  const prepared = await prepareWorker(parseEdgeDevArgs(argv.slice(1)));
  // Last line of stdout (wrangler prints its own lines before it).
  process.stdout.write(`\n${JSON.stringify(prepared)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`[edge-dev] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
