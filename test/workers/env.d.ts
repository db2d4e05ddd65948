import type { EdgeEnv } from '../../edge/src/env.ts';

// Types `env` and `exports` from `cloudflare:workers` in tests with the edge worker's bindings and entry.
declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {}
    interface GlobalProps {
      mainModule: typeof import('../../edge/src/index.ts');
      durableNamespaces: 'ChatRoom';
    }
  }
}
