/**
 * Each CDN node authenticates its heartbeats with its own token, derived from the edge's internal
 * secret and the node's id, so the edge stores nothing per node and a node can speak only for itself.
 * Runs on Web Crypto: the edge verifies with it, the local stack and operators derive with it.
 */
export async function nodeHeartbeatToken(internalSecret: string, nodeId: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(internalSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`vora-node:${nodeId}`)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
