import { pullHeaders } from '../../../contracts/pull-signing.ts';

/** fetch with the pull signature a shield or CDN node would send (contracts/pull-signing.ts). */
export async function signedFetch(url: string, secret: string, init: RequestInit = {}): Promise<Response> {
  const method = init.method ?? 'GET';
  const signed = await pullHeaders({ method, path: new URL(url).pathname, secret, nowSeconds: Math.floor(Date.now() / 1000) });
  return fetch(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers).entries()), ...signed } });
}
