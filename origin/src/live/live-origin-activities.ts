import type { Logger } from 'pino';
import type { LiveInputPresence, LiveOriginActivities } from '../../../contracts/live.ts';
import type { Sql } from '../db/sql.ts';
import { closeBroadcast, getLiveInput, type LiveInput } from './live-input-rows.ts';

/** Where broadcast `n` of an input stands, from its row. Pure. */
export function presenceOf(input: LiveInput | null, broadcast: number): LiveInputPresence {
  if (!input || input.broadcasts !== broadcast) return 'gone';
  if (input.publisher) return 'publishing';
  return input.status === 'reconnecting' ? 'reconnecting' : 'gone';
}

/** The live workflow's activities on `vora-origin`: it asks the input's row, the one authority on its publisher. */
export function createLiveOriginActivities(deps: { sql: Sql; log: Logger }): LiveOriginActivities {
  return {
    async liveInputPresence({ inputId, broadcast }) {
      return presenceOf(await getLiveInput(deps.sql, inputId), broadcast);
    },
    async closeLiveBroadcast({ inputId, broadcast }) {
      if (await closeBroadcast(deps.sql, inputId, broadcast)) {
        deps.log.info({ event: 'live_broadcast_closed', liveInputId: inputId, broadcast }, 'reconnect window over: broadcast ended');
        return 'ended';
      }
      return presenceOf(await getLiveInput(deps.sql, inputId), broadcast) === 'publishing' ? 'continued' : 'gone';
    },
  };
}
