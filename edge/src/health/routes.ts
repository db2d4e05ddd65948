import { Hono } from 'hono';
import type { EdgeApp } from '../env.ts';
import { edgeProbes, runProbes } from './checks.ts';
import { summarizeEdgeHealth } from './status.ts';

export const healthRoutes = new Hono<EdgeApp>();

healthRoutes.get('/healthz', async (c) => {
  const { report, httpStatus } = summarizeEdgeHealth(await runProbes(edgeProbes(c.env)));
  return c.json(report, httpStatus, { 'Cache-Control': 'no-store' });
});
