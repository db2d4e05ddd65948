/**
 * The edge worker under wrangler's local runtime (workerd), started through wrangler's own API rather than the
 * `wrangler dev` command so that its inspector can be left off. The command always opens one, and with no DevTools
 * attached wrangler's inspector proxy keeps every runtime message it receives (four Network events per subrequest
 * the worker makes) and logs each through wrangler's Node process: the soak measured the edge's processes growing
 * by ~20 MiB a minute under load (bench/README.md "soak"). `--inspector-port N` turns it back on for debugging.
 *
 * Usage: node --import tsx stack/edge-dev.ts --config wrangler.toml --ip 127.0.0.1 --port 8787 --persist-to DIR
 *          --env-file FILE [--var NAME:VALUE]… [--inspector-port N] [--log-level info]
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { unstable_startWorker } from 'wrangler';

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
 * Wrangler bundles the worker once (nothing is watched here) and leaves esbuild's service process running: ~70 MiB
 * resident for the life of the edge, doing nothing. `worker.ready` comes before the bundle is loaded (stopping esbuild
 * then leaves the runtime without a worker, every request waiting), so the service is stopped only once the worker
 * has answered a request. Any later build would start a new service.
 */
async function stopWranglersEsbuildOnceServing(url: URL): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answered = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5_000) }).then(
      async (response) => (await response.arrayBuffer(), true),
      () => false,
    );
    if (answered) break;
    // Not serving after two minutes: leave esbuild alone; the stack's own probe reports the edge as not ready.
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // Wrangler's own esbuild (it pins a version of its own): the module instance wrangler required.
  const wranglers = createRequire(createRequire(import.meta.url).resolve('wrangler'));
  await (wranglers('esbuild') as { stop(): Promise<void> }).stop();
}

async function main(): Promise<void> {
  const options = parseEdgeDevArgs(process.argv.slice(2));
  const worker = await unstable_startWorker({
    config: options.config,
    envFiles: [options.envFile],
    bindings: Object.fromEntries(Object.entries(options.vars).map(([name, value]) => [name, { type: 'plain_text' as const, value }])),
    dev: {
      server: { hostname: options.ip, port: options.port },
      inspector: options.inspectorPort === undefined ? false : { hostname: options.ip, port: options.inspectorPort },
      persist: options.persistTo,
      logLevel: options.logLevel,
      watch: false,
      remote: false,
    },
  });
  await worker.ready;
  const url = await worker.url;
  await stopWranglersEsbuildOnceServing(url);
  process.stdout.write(`[edge-dev] ready on ${url.href} (inspector ${options.inspectorPort === undefined ? 'off' : `on ${options.ip}:${options.inspectorPort}`})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`[edge-dev] ${signal}: stopping\n`);
    worker.dispose().then(
      () => process.exit(0),
      (error: unknown) => (process.stderr.write(`[edge-dev] stop failed: ${String(error)}\n`), process.exit(1)),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`[edge-dev] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
