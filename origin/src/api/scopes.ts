import type { ApiTokenScope } from '../../../contracts/api-tokens.ts';

/** One line of the route → scope table: a path prefix (or exact pattern) and the scope for reads and for writes. */
interface ScopeRule {
  path: RegExp;
  read: ApiTokenScope;
  write: ApiTokenScope;
}

const under = (prefix: string) => new RegExp(`^${prefix.replace(/[/]/g, '\\/')}(\\/|$)`);
const rule = (path: RegExp, read: ApiTokenScope, write: ApiTokenScope = read): ScopeRule => ({ path, read, write });

/**
 * Every `/v1` route's scope, first match wins. Signing a playback or chat token only lets a viewer watch, so
 * it needs `videos:read` (a website's backend holds no more). A route listed nowhere needs `admin`.
 */
export const SCOPE_RULES: readonly ScopeRule[] = [
  rule(under('/v1/api-tokens'), 'admin'),
  rule(under('/v1/keys'), 'keys'),
  rule(under('/v1/nodes'), 'nodes'),
  rule(under('/v1/webhooks'), 'webhooks'),
  rule(under('/v1/webhook-endpoints'), 'webhooks'),
  rule(under('/v1/webhook-deliveries'), 'webhooks'),
  rule(/^\/v1\/videos\/[^/]+\/token$/, 'videos:read'),
  rule(/^\/v1\/live-inputs\/[^/]+\/token$/, 'videos:read'),
  rule(under('/v1/chat'), 'videos:read'),
  rule(under('/v1/videos'), 'videos:read', 'videos:write'),
  rule(under('/v1/analytics/archive'), 'admin'),
  rule(under('/v1/analytics'), 'videos:read'),
  rule(under('/v1/stats'), 'videos:read'),
  rule(under('/v1/channels'), 'videos:read', 'admin'),
];

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Pure: the scope a request needs. */
export function requiredScope(method: string, path: string): ApiTokenScope {
  const found = SCOPE_RULES.find((candidate) => candidate.path.test(path));
  if (!found) return 'admin';
  return READS.has(method.toUpperCase()) ? found.read : found.write;
}
