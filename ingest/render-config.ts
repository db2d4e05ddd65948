/**
 * The live ingest: Debian's nginx with libnginx-mod-rtmp. Publishers push RTMP to `/live/{streamKey}`;
 * before any media flows nginx asks the origin (`on_publish`), which answers 302 → the input id (the stream
 * is renamed, so the key never appears in a path) or 403 (dropped). Ladders pull `rtmp://ingest/live/{inputId}`.
 * Rendered for `npm start` and for terraform's ingest hosts alike.
 */
export interface IngestConfigValues {
  /** `127.0.0.1:1935` locally, `0.0.0.0:1935` on an ingest host. */
  listen: string;
  /** Base URL of the origin's `/internal/live` hooks, e.g. `http://127.0.0.1:8080`. */
  originUrl: string;
  /** VORA_INTERNAL_SECRET; nginx-rtmp cannot set headers, so it goes in the hook URL's query. */
  ingestSecret: string;
  /** Where ladders pull this node's streams, `rtmp://{address}:{port}/live`: told to the origin with each publish. */
  pullBase: string;
  /** Folder for the pid file. */
  ingestDir: string;
  /** Absolute path of `ngx_rtmp_module.so`. */
  modulePath: string;
  /** Who may pull (`play`) a stream: the ladder workers. CIDRs or addresses; `127.0.0.1` locally. */
  playAllowed: string[];
  /** A `user …;` line when the master runs as root, empty otherwise. */
  userDirective: string;
  /** A publisher that sends nothing this long is dropped (the broadcast counts as disconnected). */
  idlePublisherSeconds?: number;
  /** How often nginx re-asks the origin about each publisher (`on_update`): a deleted input's publisher is cut within it. */
  updateSeconds?: number;
  /**
   * Where the stat page (`rtmp_stat all`: each stream's incoming bitrate) listens, `127.0.0.1:1936` locally; on an
   * ingest host a private address that only the origins reach (`statAllowed`).
   */
  statListen: string;
  /** Who may read the stat page besides loopback: the origins' CIDRs (none locally). */
  statAllowed?: string[];
  /**
   * On a host: the hooks go to a relay in this nginx's http block (`listen`, loopback), which resolves the origin's
   * name with `resolver` as its records change. nginx-rtmp resolves a hook URL's host once, when it reads its
   * configuration (a name that does not resolve then stops nginx), and a load balancer's addresses move; a periodic
   * reload is no cure, because it splits the live streams between the old and the new worker. Locally, none.
   */
  hookRelay?: { listen: string; resolver: string };
}

const unsafe = /[;{}\s'"]/;

/** The whole nginx.conf of one ingest node. Values that could break out of a directive are refused. */
export function renderIngestConfig(values: IngestConfigValues): string {
  const checked: Record<string, string> = {
    listen: values.listen,
    originUrl: values.originUrl,
    ingestSecret: values.ingestSecret,
    ingestDir: values.ingestDir,
    pullBase: values.pullBase,
    modulePath: values.modulePath,
    statListen: values.statListen,
    ...(values.hookRelay ? { 'hookRelay.listen': values.hookRelay.listen, 'hookRelay.resolver': values.hookRelay.resolver } : {}),
    ...Object.fromEntries(values.playAllowed.map((cidr, index) => [`playAllowed[${index}]`, cidr])),
    ...Object.fromEntries((values.statAllowed ?? []).map((cidr, index) => [`statAllowed[${index}]`, cidr])),
  };
  for (const [name, value] of Object.entries(checked)) {
    if (value.length === 0 || unsafe.test(value)) throw new Error(`ingest config value ${name} is empty or contains a space, quote or one of ; { }: ${JSON.stringify(value)}`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(values.ingestSecret)) throw new Error('the ingest secret must be URL-safe (A-Z, a-z, 0-9, _ or -): it travels in the hook URL');
  const originBase = values.originUrl.replace(/\/+$/, '');
  if (values.hookRelay && !/^https?:\/\/[^/]+$/.test(originBase)) throw new Error(`with a hook relay the origin URL must be scheme://host:port without a path, got ${JSON.stringify(values.originUrl)}`);
  const hookBase = values.hookRelay ? `http://${values.hookRelay.listen}` : originBase;
  const hook = (path: string) => `${hookBase}/internal/live/${path}?s=${values.ingestSecret}`;
  const idle = values.idlePublisherSeconds ?? 10;
  const update = values.updateSeconds ?? 10;
  return `# Vora live ingest (nginx-rtmp), rendered by ingest/render-config.ts; edit that, not this file.
load_module ${values.modulePath};
${values.userDirective}
worker_processes 1;
pid ${values.ingestDir}/nginx.pid;
error_log stderr info;
daemon off;

events {
  worker_connections 1024;
}

rtmp {
  server {
    listen ${values.listen};
    chunk_size 4096;
    # A publisher that sends no media for ${idle} s is dropped: the broadcast counts as disconnected.
    drop_idle_publisher ${idle}s;

    application live {
      live on;
      # A pull of a stream nobody publishes fails at once instead of waiting.
      idle_streams off;
      allow publish all;
${values.playAllowed.map((cidr) => `      allow play ${cidr};`).join('\n')}
      deny play all;
      # Asked before any media flows: 302 → renamed to the input id, anything else → dropped.
      on_publish ${hook('on-publish')}&pull=${values.pullBase};
      on_publish_done ${hook('on-publish-done')};
      # Re-asked every ${update} s while a publisher sends: a non-2xx (its input deleted or disabled) drops it.
      on_update ${hook('on-update')};
      notify_update_timeout ${update}s;
      notify_method post;
    }
  }
}

# The stat page: the origin reads each stream's incoming bitrate here (live status). Not for the public.
http {
  access_log off;
  server {
    listen ${values.statListen};
    location = /stat {
      allow 127.0.0.1;
${(values.statAllowed ?? []).map((cidr) => `      allow ${cidr};`).join('\n')}
      deny all;
      rtmp_stat all;
    }
    location / {
      return 404;
    }
  }
${values.hookRelay ? hookRelayServer(values.hookRelay, originBase) : ''}}
`;
}

/** The hooks' relay: a variable in proxy_pass makes nginx resolve the origin's name at request time, per `valid`. */
function hookRelayServer(relay: { listen: string; resolver: string }, originBase: string): string {
  return `
  # The hooks' relay (nginx-rtmp resolves a hook's host only once): the origin's name is resolved again every 30 s.
  server {
    listen ${relay.listen};
    resolver ${relay.resolver} valid=30s ipv6=off;
    resolver_timeout 5s;
    location /internal/live/ {
      allow 127.0.0.1;
      deny all;
      set $vora_origin ${originBase};
      proxy_pass $vora_origin;
      # The 302's Location is the input id nginx-rtmp renames the stream to: passed on untouched.
      proxy_redirect off;
    }
    location / {
      return 404;
    }
  }
`;
}
