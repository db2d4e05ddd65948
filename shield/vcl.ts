import { assertPullSecret, MAX_PULL_TTL_SECONDS, PULL_CLOCK_TOLERANCE_SECONDS, PULL_TTL_SECONDS } from '../contracts/pull-signing.ts';
import { PURGE_METHOD, PURGE_PATH_REGEX } from '../contracts/shield-purge.ts';

/** What one shield's VCL depends on; every number has the default the README states. */
export interface ShieldVclOptions {
  /** host and port of the origin's streaming gateway (the only backend). */
  gatewayHost: string;
  gatewayPort: number;
  /** VORA_PULL_SECRET: checks the pulls of nodes and the edge, signs the shield's own pulls from the gateway. */
  pullSecret: string;
  /** How long stale objects are served while the gateway is sick (default 6 h). */
  graceSeconds?: number;
  /** How stale an object may be served, while one background fetch refreshes it, when the gateway is healthy (default 2 s). */
  healthyGraceSeconds?: number;
  /** Health probe of the gateway: GET /media/healthz every interval (default 1 s), answer within timeout (default 1 s). */
  probeIntervalSeconds?: number;
  probeTimeoutSeconds?: number;
  /** Longest wait for the gateway's first byte on a miss (default 5 s; the gateway gives up on storage after 2 s). */
  firstByteTimeoutSeconds?: number;
  /**
   * The same for what the gateway holds on purpose (LL-HLS: a blocking playlist reload, a preload-hinted part), up to
   * 6 s before its own 503 (default 8 s: above that hold, under the edge's 9 s and hls.js's 10 s).
   */
  heldFirstByteTimeoutSeconds?: number;
  /** Addresses allowed to BAN (purge a video); the origin's. Default 127.0.0.1 only. */
  purgers?: string[];
}

export const SHIELD_DEFAULTS = {
  graceSeconds: 6 * 3600,
  healthyGraceSeconds: 2,
  probeIntervalSeconds: 1,
  probeTimeoutSeconds: 1,
  firstByteTimeoutSeconds: 5,
  heldFirstByteTimeoutSeconds: 8,
  purgers: ['127.0.0.1'],
} as const;

/**
 * How long the shield keeps an idle client connection open (varnishd `-p timeout_idle`; its default is 5 s).
 * workerd also drops an idle pooled connection after 5 s, so with equal timeouts the edge could send a request on a
 * connection the shield was closing at that instant: "Network connection lost", a 502 to the viewer (6 of 400
 * requests spaced at the timeout, measured). Longer than any client's pool (workerd 5 s, nginx's upstream
 * keepalive_timeout 60 s), the client always closes first.
 */
export const SHIELD_CLIENT_IDLE_SECONDS = 75;

/** The shield answers this itself: the stack's readiness probe and the tier's load-balancer check. */
export const SHIELD_HEALTH_PATH = '/shield/healthz';
/** The gateway route the shield's health probe asks (unsigned, tells only whether storage answers). */
export const GATEWAY_HEALTH_PATH = '/media/healthz';

const HOST = /^[A-Za-z0-9.-]{1,253}$/;
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/;

/** The refusals the shield writes itself, in the one error shape of contracts/http.ts. */
const REFUSALS = {
  unsigned_pull: [401, 'media is private: pull through a CDN node, or sign the pull with VORA_PULL_SECRET (X-Vora-Pull-Expires, X-Vora-Pull-Signature)'],
  bad_pull_signature: [401, "the pull signature does not match: the signer's VORA_PULL_SECRET differs from the shield's, or the request was altered"],
  expired_pull: [401, "this signed pull has expired: sign each pull afresh (is the signer's clock right?)"],
  pull_expiry_too_far: [403, `a signed pull may be valid for at most ${MAX_PULL_TTL_SECONDS} s`],
  method_not_allowed: [405, 'the shield serves GET and HEAD (and BAN from the origin)'],
  not_found: [404, 'the shield serves /media/ only'],
  forbidden: [403, "only the origin may purge the shield: this address is not in the shield's purgers"],
  bad_purge_path: [400, 'a purge names one video: BAN /media/{videoId}/'],
  origin_unavailable: [503, 'the origin gateway failed or could not be reached, and the shield holds no copy of this object'],
} as const;

/**
 * The shield's VCL (Varnish 7.1, vmod digest from Debian's varnish-vmod-digest): checks each pull from a node or
 * the edge (contracts/pull-signing.ts), caches by path alone (viewer tokens dropped), collapses concurrent misses
 * into one signed fetch from the gateway, keeps TTLs from the gateway's Cache-Control, serves stale objects for
 * hours while the gateway is sick, never keeps errors, and bans a video's objects when the origin deletes it.
 */
export function renderShieldVcl(options: ShieldVclOptions): string {
  assertPullSecret(options.pullSecret);
  if (!HOST.test(options.gatewayHost)) throw new Error(`shield: gateway host ${JSON.stringify(options.gatewayHost)} is not a host name or IPv4 address`);
  if (!Number.isInteger(options.gatewayPort) || options.gatewayPort < 1 || options.gatewayPort > 65535) throw new Error(`shield: gateway port ${options.gatewayPort} is not a TCP port`);
  // Options left undefined take the default (a spread would let `undefined` win).
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const o = { ...SHIELD_DEFAULTS, ...given } as typeof SHIELD_DEFAULTS & ShieldVclOptions;
  for (const [name, value] of Object.entries({ graceSeconds: o.graceSeconds, healthyGraceSeconds: o.healthyGraceSeconds, probeIntervalSeconds: o.probeIntervalSeconds, probeTimeoutSeconds: o.probeTimeoutSeconds, firstByteTimeoutSeconds: o.firstByteTimeoutSeconds, heldFirstByteTimeoutSeconds: o.heldFirstByteTimeoutSeconds })) {
    if (!Number.isFinite(value) || value < 0 || value > 30 * 24 * 3600) throw new Error(`shield: ${name} must be between 0 and 30 days in seconds, got ${value}`);
  }
  for (const purger of o.purgers) if (!IPV4.test(purger)) throw new Error(`shield: purger ${JSON.stringify(purger)} is not an IPv4 address or CIDR`);
  const secret = options.pullSecret;
  const refusalCases = Object.entries(REFUSALS)
    .map(([code, [, message]]) => `  if (resp.reason == "${code}") { set req.http.x-vora-message = "${message.replace(/"/g, "'")}"; }`)
    .join('\n');
  const refuse = (code: keyof typeof REFUSALS) => `return (synth(${REFUSALS[code][0]}, "${code}"));`;

  return `vcl 4.1;
# Rendered by shield/vcl.ts — edit that file, not this one.
import std;
import digest;

# Fetches go here. No probe on it: a probe that calls the gateway sick (storage slow, the origin still starting)
# must not turn a miss the gateway could answer into a 503; a fetch that really fails falls back to a stale copy.
backend gateway {
  .host = "${options.gatewayHost}";
  .port = "${options.gatewayPort}";
  .connect_timeout = 1s;
  .first_byte_timeout = ${o.firstByteTimeoutSeconds}s;
  .between_bytes_timeout = 10s;
}

# The same gateway, probed: only says how stale an answer may be (see vcl_recv).
# Sick while storage does not answer: objects are then served stale for up to ${o.graceSeconds} s.
backend gateway_health {
  .host = "${options.gatewayHost}";
  .port = "${options.gatewayPort}";
  .probe = {
    .request = "GET ${GATEWAY_HEALTH_PATH} HTTP/1.1" "Host: vora-gateway" "Connection: close" "User-Agent: vora-shield-probe";
    .interval = ${o.probeIntervalSeconds}s;
    .timeout = ${o.probeTimeoutSeconds}s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
  }
}

acl purgers {
${o.purgers.map((purger) => `  "${purger.split('/')[0]}"${purger.includes('/') ? `/${purger.split('/')[1]}` : ''};`).join('\n')}
}

sub vcl_recv {
  if (req.restarts > 0) {
    # vcl_synth restarted a request whose fetch failed (it was checked the first time): a stale copy within its grace will do.
    return (hash);
  }
  if (req.url == "${SHIELD_HEALTH_PATH}") {
    return (synth(200, "ok"));
  }
  # The pull is signed over the path alone; the cache key is the path alone (segment tokens dropped).
  set req.http.x-vora-path = regsub(req.url, "\\?.*$", "");
  # LL-HLS blocking reload: a playlist's _HLS_msn/_HLS_part (nothing else of the query) go on to the gateway and key
  # the object, so a held answer is never mistaken for the plain playlist nor for another part's.
  set req.http.x-vora-hls = "";
  if (req.http.x-vora-path ~ "\\.m3u8$" && req.url ~ "[?&]_HLS_msn=[0-9]{1,15}(&|$)") {
    set req.http.x-vora-hls = "?_HLS_msn=" + regsub(req.url, "^.*[?&]_HLS_msn=([0-9]{1,15})(&.*)?$", "\\1");
    if (req.url ~ "[?&]_HLS_part=[0-9]{1,15}(&|$)") {
      set req.http.x-vora-hls = req.http.x-vora-hls + "&_HLS_part=" + regsub(req.url, "^.*[?&]_HLS_part=([0-9]{1,15})(&.*)?$", "\\1");
    }
  }
  if (req.http.x-vora-path !~ "^/media/") {
    ${refuse('not_found')}
  }
  if (req.method != "GET" && req.method != "HEAD" && req.method != "${PURGE_METHOD}") {
    ${refuse('method_not_allowed')}
  }
  if (!req.http.x-vora-pull-expires && !req.http.x-vora-pull-signature) {
    ${refuse('unsigned_pull')}
  }
  if (req.http.x-vora-pull-expires !~ "^[0-9]{1,12}$" || req.http.x-vora-pull-signature !~ "^[0-9a-fA-F]{64}$") {
    ${refuse('bad_pull_signature')}
  }
  if (std.integer(req.http.x-vora-pull-expires, 0) < std.integer(time=now) - ${PULL_CLOCK_TOLERANCE_SECONDS}) {
    ${refuse('expired_pull')}
  }
  if (std.integer(req.http.x-vora-pull-expires, 0) > std.integer(time=now) + ${MAX_PULL_TTL_SECONDS + PULL_CLOCK_TOLERANCE_SECONDS}) {
    ${refuse('pull_expiry_too_far')}
  }
  # HEAD is signed as GET (contracts/pull-signing.ts).
  set req.http.x-vora-method = req.method;
  if (req.method == "HEAD") {
    set req.http.x-vora-method = "GET";
  }
  if (std.tolower(req.http.x-vora-pull-signature) != regsub(digest.hmac_sha256("${secret}", req.http.x-vora-method + {"
"} + req.http.x-vora-path + {"
"} + req.http.x-vora-pull-expires), "^0x", "")) {
    ${refuse('bad_pull_signature')}
  }
  if (req.method == "${PURGE_METHOD}") {
    if (client.ip !~ purgers) {
      ${refuse('forbidden')}
    }
    if (req.http.x-vora-path !~ "${PURGE_PATH_REGEX}") {
      ${refuse('bad_purge_path')}
    }
    # BAN /media/{videoId}/ drops every object of that video (the origin deletes it; contracts/shield-purge.ts).
    ban("obj.http.x-vora-path ~ ^" + req.http.x-vora-path);
    return (synth(200, "banned"));
  }
  unset req.http.x-vora-pull-expires;
  unset req.http.x-vora-pull-signature;
  unset req.http.x-vora-method;
  unset req.http.Authorization;
  unset req.http.Cookie;
  set req.url = req.http.x-vora-path + req.http.x-vora-hls;
  # Healthy gateway: serve at most ${o.healthyGraceSeconds} s stale while one background fetch refreshes (a live playlist never stalls).
  # Sick gateway: serve whatever is within the object's grace.
  set req.backend_hint = gateway;
  if (std.healthy(gateway_health)) {
    set req.grace = ${o.healthyGraceSeconds}s;
  }
  return (hash);
}

sub vcl_hash {
  hash_data(req.http.x-vora-path);
  if (req.http.x-vora-hls != "") {
    hash_data(req.http.x-vora-hls);
  }
  return (lookup);
}

sub vcl_backend_fetch {
  # The shield's own signed pull: the gateway answers nobody else.
  set bereq.http.x-vora-pull-expires = std.integer(time=now) + ${PULL_TTL_SECONDS};
  set bereq.http.x-vora-pull-signature = regsub(digest.hmac_sha256("${secret}", bereq.method + {"
"} + bereq.http.x-vora-path + {"
"} + bereq.http.x-vora-pull-expires), "^0x", "");
  unset bereq.http.x-vora-path;
  unset bereq.http.x-vora-hls;
  # What the gateway holds on purpose (a blocking reload, a preload-hinted part) is waited for longer; concurrent
  # askers wait on this one fetch (the waiting list).
  if (bereq.url ~ "[?&]_HLS_msn=" || bereq.url ~ "\\.part[0-9]+\\.m4s$") {
    set bereq.first_byte_timeout = ${o.heldFirstByteTimeoutSeconds}s;
  }
  return (fetch);
}

sub vcl_backend_response {
  set beresp.http.x-vora-path = bereq.url;
  if (beresp.status >= 500 || beresp.status == 401 || beresp.status == 403) {
    # Never kept: a failed refresh leaves the stale object in place; a failed miss restarts once for a stale copy (vcl_synth).
    return (abandon);
  }
  if (beresp.status == 404 && (bereq.url ~ "\\.part[0-9]+\\.m4s$" || bereq.url ~ "^/media/live/.*\\.m3u8$")) {
    # An LL-HLS part's 404 (a withdrawn preload hint) is never kept: the same name may exist a moment later.
    # Nor a live playlist's (the broadcast's first segment not stored yet): kept 1 s, it held the first viewers
    # of a broadcast up to a second past the moment the playlist was written.
    # Hit-for-miss: the next asks go to the gateway, and the part, once there, is cached as usual.
    set beresp.ttl = 1s;
    set beresp.grace = 0s;
    set beresp.uncacheable = true;
    return (deliver);
  }
  if (beresp.status == 404) {
    # Short, but cached: a burst of asks for a segment not yet written still makes one fetch.
    set beresp.ttl = 1s;
    set beresp.grace = 0s;
    return (deliver);
  }
  if (bereq.url ~ "[?&]_HLS_msn=") {
    # A blocking reload's answer: kept at most 1 s, so the viewers waiting on its fetch all get it and the next
    # identical ask within the second too (any later playlist would satisfy them as well), never served stale.
    if (beresp.ttl > 1s || beresp.ttl <= 0s) {
      set beresp.ttl = 1s;
    }
    set beresp.grace = 0s;
    return (deliver);
  }
  # TTL from the gateway's Cache-Control (Varnish's default); stale kept for the grace.
  set beresp.grace = ${o.graceSeconds}s;
  return (deliver);
}

sub vcl_backend_error {
  return (abandon);
}

sub vcl_deliver {
  set resp.http.X-Shield-Cache = "MISS";
  if (obj.hits > 0) {
    set resp.http.X-Shield-Cache = "HIT";
  }
  unset resp.http.x-vora-path;
  unset resp.http.x-vora-hls;
  unset resp.http.Via;
  unset resp.http.X-Varnish;
  return (deliver);
}

sub vcl_synth {
  set resp.http.Cache-Control = "no-store";
  if (resp.status == 503 && req.restarts == 0 && req.http.x-vora-path) {
    # The gateway failed or could not be reached: ask the cache again, this time for any stale copy.
    return (restart);
  }
  if (resp.status == 503) {
    set resp.reason = "origin_unavailable";
  }
  if (resp.status == 200) {
    set resp.http.Content-Type = "application/json";
    set resp.body = {"{"status":""} + resp.reason + """"}""";
    return (deliver);
  }
${refusalCases}
  set resp.http.Content-Type = "application/json";
  set resp.body = {"{"error":{"code":""} + resp.reason + {"","message":""} + req.http.x-vora-message + """"}}""";
  return (deliver);
}
`;
}
