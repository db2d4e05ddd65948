import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Test-only secret; the real one lives in `.vora/secrets.json` and reaches wrangler dev through an env file. */
export const TEST_INTERNAL_SECRET = 'workers-tier-internal-secret';
/** Test-only segment-token key (the stack's is `nodeKey` in `.vora/secrets.json`). */
export const TEST_NODE_KEY = 'workers-tier-node-key-0123456789';
/** Test-only pull secret (the stack's is `pullSecret` in `.vora/secrets.json`). */
export const TEST_PULL_SECRET = 'workers-tier-pull-secret-0123456789';

// The workers tier: tests run inside workerd next to the edge worker and its ChatRoom objects (wrangler.toml).
export default defineConfig({
  root: repoRoot,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${repoRoot}/wrangler.toml` },
      miniflare: {
        bindings: {
          INTERNAL_SECRET: TEST_INTERNAL_SECRET,
          NODE_KEY: TEST_NODE_KEY,
          PULL_SECRET: TEST_PULL_SECRET,
          // Two player sites; every other origin gets no CORS headers (test/workers/cors-for-players.test.ts).
          CORS_ALLOWED_ORIGINS: 'https://player.example, http://localhost:3000',
          // Port 9 (discard) is closed on 127.0.0.1: the origin probe fails fast unless a test mocks fetch.
          ORIGIN_URL: 'http://127.0.0.1:9',
          // Every test reads KV afresh: tests write KV directly (clearNodes, a corrupt key set); kv-read-cache.ts has its own unit test.
          KV_CACHE_MS: '0',
        },
      },
    }),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    testTimeout: 15_000,
  },
});
