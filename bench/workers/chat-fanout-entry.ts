import { createEdgeApp } from '../../edge/src/app.ts';
import type { EdgeEnv } from '../../edge/src/env.ts';
import type { EchoRoom } from './echo-room.ts';

// Bench-only worker entry (bench/chat-fanout.ts writes a wrangler config naming it): the edge as in
// production, plus `/bench/echo/{room}/ws` → EchoRoom, the baseline. Production uses edge/src/index.ts.
export { ChatRoom } from '../../durable-objects/chat-room.ts';
export { EchoRoom } from './echo-room.ts';

type BenchEnv = EdgeEnv & { ECHO_ROOMS: DurableObjectNamespace<EchoRoom> };

const app = createEdgeApp();
const ECHO_PATH = /^\/bench\/echo\/([A-Za-z0-9_-]{1,64})\/ws$/;

export default {
  fetch(request, env, ctx) {
    const room = ECHO_PATH.exec(new URL(request.url).pathname)?.[1];
    if (room) return env.ECHO_ROOMS.get(env.ECHO_ROOMS.idFromName(room)).fetch(request);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<BenchEnv>;
