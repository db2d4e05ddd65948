import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Local secrets, generated once into `.vora/secrets.json` (mode 0600) unless given by the environment. */
export interface StackSecrets {
  /** Operator API token (`VORA_API_TOKEN`). */
  apiToken: string;
  /** Shared secret between the origin and the edge's `/internal/*` routes (`VORA_INTERNAL_SECRET`). */
  internalSecret: string;
  /** HMAC key the edge signs segment URLs with and every nginx CDN node verifies (`VORA_NODE_KEY`). */
  nodeKey: string;
  /** HMAC key of signed pulls from the gateway: origin, shield, CDN nodes and edge (`VORA_PULL_SECRET`). */
  pullSecret: string;
  /** MinIO root credentials (`MINIO_ROOT_USER` / `MINIO_ROOT_PASSWORD`). */
  minioUser: string;
  minioPassword: string;
  /** AES-256-GCM key the origin seals the secrets it stores and reads back with (`VORA_SECRETS_KEY`, 32 bytes base64). */
  secretsKey: string;
}

const envNames: Record<keyof StackSecrets, string> = {
  apiToken: 'VORA_API_TOKEN',
  internalSecret: 'VORA_INTERNAL_SECRET',
  nodeKey: 'VORA_NODE_KEY',
  pullSecret: 'VORA_PULL_SECRET',
  minioUser: 'MINIO_ROOT_USER',
  minioPassword: 'MINIO_ROOT_PASSWORD',
  secretsKey: 'VORA_SECRETS_KEY',
};

function generate(): StackSecrets {
  const token = (bytes: number) => randomBytes(bytes).toString('base64url');
  return {
    apiToken: `vora_${token(24)}`,
    internalSecret: token(32),
    nodeKey: token(32),
    pullSecret: token(32),
    minioUser: 'vora',
    minioPassword: token(18),
    secretsKey: randomBytes(32).toString('base64'),
  };
}

export function secretsPath(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

/**
 * The stack's secrets: generated on first start into `{dataDir}/secrets.json` (owner-only),
 * then reused. A variable from the environment wins over the file, one secret at a time.
 */
export async function loadOrCreateSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<StackSecrets> {
  const path = secretsPath(dataDir);
  let stored: Partial<StackSecrets> = {};
  try {
    stored = JSON.parse(await readFile(path, 'utf8')) as Partial<StackSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path} is unreadable (${(error as Error).message}): fix or delete it`);
  }
  const fresh = generate();
  const filled = { ...fresh, ...stored };
  if (Object.keys(stored).length < Object.keys(fresh).length) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(path, `${JSON.stringify(filled, null, 2)}\n`, { mode: 0o600 });
    await chmod(path, 0o600);
  }
  const fromEnv = Object.fromEntries(
    (Object.keys(envNames) as Array<keyof StackSecrets>).flatMap((key) => {
      const value = env[envNames[key]];
      return value ? [[key, value]] : [];
    }),
  );
  return { ...filled, ...fromEnv };
}
