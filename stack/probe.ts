/** Small probes the components share: an HTTP GET that must answer 2xx within a short bound. */
export async function httpOk(url: string, timeoutMs = 2_000, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}
