import { join } from 'node:path';
import { defaultPorts, shiftedPorts, stackContext, type StackContext } from './context.ts';
import { dataDir } from './paths.ts';
import { loadOrCreateSecrets } from './secrets.ts';

/**
 * The context of the developer's stack: `.vora/` (or VORA_HOME), default ports shifted by
 * VORA_PORT_OFFSET, secrets from `.vora/secrets.json` unless the environment gives them.
 */
export async function localContext(env: NodeJS.ProcessEnv = process.env): Promise<StackContext> {
  const offset = Number(env.VORA_PORT_OFFSET ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 50_000) {
    throw new Error(`VORA_PORT_OFFSET must be a whole number between 0 and 50000, got ${JSON.stringify(env.VORA_PORT_OFFSET)}`);
  }
  const ports = offset === 0 ? defaultPorts : shiftedPorts(offset);
  return stackContext(ports, await loadOrCreateSecrets(dataDir, env), dataDir);
}

/** Where `vora dev` records what it runs, for `vora doctor` and the CLI. */
export const stackStatePath = (ctx: StackContext) => join(ctx.dataDir, 'stack.json');
