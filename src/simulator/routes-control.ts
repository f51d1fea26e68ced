import type { FastifyInstance } from 'fastify';
import type { FaultSettings } from './faults.js';
import type { PlayLiveOptions } from './live.js';
import type { WebexSimulator } from './types.js';

/**
 * Control endpoints for tools and other processes, outside /v1 so no Webex client can hit them by
 * accident: GET/POST/DELETE /_simulator/faults, GET /_simulator/stats, GET /_simulator/expected,
 * POST /_simulator/play-live.
 */
export function registerControlRoutes(app: FastifyInstance, sim: WebexSimulator): void {
  app.get('/_simulator/faults', async () => sim.faults.current());
  app.post('/_simulator/faults', async (req) => sim.faults.set((req.body ?? {}) as FaultSettings));
  app.put('/_simulator/faults', async (req) => sim.faults.set((req.body ?? {}) as FaultSettings));
  app.delete('/_simulator/faults', async () => sim.faults.clear());
  app.get('/_simulator/stats', async () => sim.stats);
  app.get('/_simulator/expected', async () => ({ items: sim.expected() }));
  app.post('/_simulator/play-live', async (req) => sim.playLive((req.body ?? {}) as PlayLiveOptions));
}
