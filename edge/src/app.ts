import { Hono } from 'hono';
import { internalConfigRoutes } from './channel-config/routes.ts';
import { beaconRoutes } from './beacon/routes.ts';
import { channelPageRoutes } from './channels/routes.ts';
import type { EdgeApp } from './env.ts';
import { healthRoutes } from './health/routes.ts';
import { corsForPlayers } from './http/cors.ts';
import { handleError, handleNotFound } from './http/errors.ts';
import { keyRoutes } from './keys/routes.ts';
import { nodeRoutes } from './nodes/routes.ts';
import { playbackRoutes } from './playback/routes.ts';
import { internalRoomRoutes } from './rooms/internal-routes.ts';
import { roomRoutes } from './rooms/routes.ts';
import { watchRoutes } from './watch/routes.ts';

/** The edge worker's routes. Static files (edge/public) are served by the assets binding before this app runs. */
export function createEdgeApp(): Hono<EdgeApp> {
  const app = new Hono<EdgeApp>();
  // Before the routes: a player on another site gets CORS headers on answers and refusals, and its preflights.
  app.use('/v/*', corsForPlayers(['GET', 'HEAD']));
  app.use('/beacon', corsForPlayers(['POST']));
  app.route('/', healthRoutes);
  app.route('/internal/nodes', nodeRoutes);
  app.route('/internal/keys', keyRoutes);
  app.route('/internal/config', internalConfigRoutes);
  app.route('/v', playbackRoutes);
  app.route('/internal/rooms', internalRoomRoutes);
  app.route('/rooms', roomRoutes);
  app.route('/', watchRoutes);
  app.route('/c', channelPageRoutes);
  app.route('/beacon', beaconRoutes);
  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}
