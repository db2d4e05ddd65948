// njs (nginx's JavaScript module): signs the node's pulls from its upstream, as contracts/pull-signing.ts says:
// hex(HMAC-SHA256(VORA_PULL_SECRET, "{METHOD}\n{path}\n{expires}")), HEAD signed as GET (the cache asks upstream with GET).
// Loaded by nginx.conf.template with js_import; $vora_pull_secret is set there.
const crypto = require('crypto');

// Keep in step with PULL_TTL_SECONDS in contracts/pull-signing.ts.
const TTL_SECONDS = 60;

function expires(r) {
  return String(Math.floor(Date.now() / 1000) + TTL_SECONDS);
}

function signature(r) {
  const method = r.method === 'HEAD' ? 'GET' : r.method;
  const message = method + '\n' + r.uri + '\n' + r.variables.vora_pull_expires;
  return crypto.createHmac('sha256', r.variables.vora_pull_secret).update(message).digest('hex');
}

export default { expires, signature };
