import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPorts, portOffset } from '../../contracts/local-ports.ts';
import { CliError } from './errors.ts';

/** Where the operator commands find the stack, and with what credentials. */
export interface CliConfig {
  originUrl: string;
  /** Undefined until a command needs it: then `requireApiToken` names the fix. */
  apiToken: string | undefined;
  edgeUrl: string;
  internalSecret: string | undefined;
  kafkaBrokers: string[];
  /** `.vora/` (or VORA_HOME): secrets.json and the CLI's own records (`cli/uploads.json`). */
  dataDir: string;
}

interface StoredSecrets {
  apiToken?: string;
  internalSecret?: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Pure: the environment wins, then the stack's secrets file, then the local defaults (shifted by the offset). */
export function resolveCliConfig(env: NodeJS.ProcessEnv, secrets: StoredSecrets, home: string): CliConfig {
  const offset = portOffset(env);
  const local = (port: number) => `http://127.0.0.1:${port + offset}`;
  return {
    originUrl: trimSlash(env.VORA_ORIGIN_URL || local(defaultPorts.origin)),
    apiToken: env.VORA_API_TOKEN || secrets.apiToken,
    edgeUrl: trimSlash(env.VORA_EDGE_URL || local(defaultPorts.edge)),
    internalSecret: env.VORA_INTERNAL_SECRET || secrets.internalSecret,
    kafkaBrokers: (env.VORA_KAFKA_BROKERS || `127.0.0.1:${defaultPorts.kafka + offset}`).split(',').map((b) => b.trim()).filter(Boolean),
    dataDir: home,
  };
}

/** Where `npm start` keeps its data and secrets: VORA_HOME, else `.vora/` at the repository root. */
export function stackHome(env: NodeJS.ProcessEnv): string {
  return resolve(env.VORA_HOME ?? join(fileURLToPath(new URL('../..', import.meta.url)), '.vora'));
}

/** Reads `.vora/secrets.json` (written by `npm start`) without creating it: the CLI is a client and must not mint the stack's secrets. */
export function readStoredSecrets(home: string): StoredSecrets {
  const path = join(home, 'secrets.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StoredSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`${path} is unreadable (${(error as Error).message}): fix or delete it, or set VORA_API_TOKEN`);
  }
}

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const home = stackHome(env);
  return resolveCliConfig(env, readStoredSecrets(home), home);
}

export function requireApiToken(config: CliConfig): string {
  if (config.apiToken) return config.apiToken;
  throw new CliError(`no API token: set VORA_API_TOKEN, or start the local stack (\`npm start\`), which writes it to ${join(config.dataDir, 'secrets.json')}`);
}

/** The CLI's own small records (resumable uploads) live beside the stack's data. */
export const cliStateDir = (config: CliConfig) => join(config.dataDir, 'cli');
