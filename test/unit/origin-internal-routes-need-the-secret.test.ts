import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requireInternalSecret } from '../../origin/src/api/internal-auth.ts';

describe('requireInternalSecret', () => {
  const secret = 'internal-secret-0123456789';
  const app = new Hono().use('*', requireInternalSecret(secret, 'test routes')).get('/x', (c) => c.text('ok'));

  it('lets the edge in with the secret and refuses anything else with 401', async () => {
    expect((await app.request('/x', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${secret}`, `Bearer ${secret}x`]) {
      const response = await app.request('/x', { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('VORA_INTERNAL_SECRET') } });
    }
  });

  it('refuses a short secret when the routes are made, naming who needs it', () => {
    expect(() => requireInternalSecret('short', 'channelPageRoutes')).toThrow(/channelPageRoutes needs VORA_INTERNAL_SECRET/);
  });
});
