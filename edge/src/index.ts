import { createEdgeApp } from './app.ts';
import type { EdgeEnv } from './env.ts';

// Durable Object classes must be exported by the worker entry named in wrangler.toml.
export { ChatRoom } from '../../durable-objects/chat-room.ts';

const app = createEdgeApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<EdgeEnv>;
