/**
 * FFmpeg's arguments for one restream push (issue 17): pull the broadcast from the ingest node, copy it unchanged
 * (`-c copy`: no decode, no encode) into the target's RTMP ingest as FLV. Pure.
 */
export function restreamArgs(options: { pullUrl: string; targetUrl: string; streamKey: string }): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning', '-progress', 'pipe:1', '-nostats',
    // An ingest or a target that stops answering ends the push (microseconds), so it is retried rather than hung.
    '-rw_timeout', '10000000',
    '-i', options.pullUrl,
    '-map', '0:v?', '-map', '0:a?', '-c', 'copy',
    '-f', 'flv', restreamPushUrl(options.targetUrl, options.streamKey),
  ];
}

/** `rtmp://host/app` + key → `rtmp://host/app/key` (one slash whatever the URL ends with), as OBS and FFmpeg join them. Pure. */
export function restreamPushUrl(targetUrl: string, streamKey: string): string {
  return `${targetUrl.replace(/\/+$/, '')}/${streamKey}`;
}
