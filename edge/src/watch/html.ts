/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON safe inside `<script type="application/json">`: no `</script>`, no `<!--`, no line separators that break old parsers. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The page's Content-Security-Policy: scripts and styles from this edge only; media and XHR may reach
 * the CDN nodes (any host: the edge picks them per viewer); hls.js may run its demuxer in a blob: worker and gives
 * each subtitle track a `<track src="data:,WEBVTT">` placeholder (its cues are added by script).
 */
export const WATCH_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  'media-src * blob: data:',
  'connect-src * ws: wss:',
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
