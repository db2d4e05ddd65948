import { describe, expect, it } from 'vitest';
import { purgePath, PURGE_PATH_REGEX } from '../../contracts/shield-purge.ts';
import { GATEWAY_HEALTH_PATH, renderShieldVcl, SHIELD_DEFAULTS, SHIELD_HEALTH_PATH } from '../../shield/vcl.ts';

const options = { gatewayHost: '127.0.0.1', gatewayPort: 8080, pullSecret: 'pull-secret-0123456789' };

describe('renderShieldVcl', () => {
  const vcl = renderShieldVcl(options);

  it('fetches from the gateway, and probes it on the unsigned health route as a second backend that only decides grace', () => {
    expect(vcl).toMatch(/^vcl 4\.1;/);
    expect(vcl).toContain('.host = "127.0.0.1";');
    expect(vcl).toContain('.port = "8080";');
    expect(vcl).toContain(`"GET ${GATEWAY_HEALTH_PATH} HTTP/1.1"`);
    expect(vcl).toContain(`.interval = ${SHIELD_DEFAULTS.probeIntervalSeconds}s;`);
    // The probe sits on gateway_health alone: a sick verdict never stops a fetch.
    expect(vcl).toMatch(/backend gateway \{[^}]*\}\n/);
    expect(vcl.match(/backend gateway \{[^}]*\}/)?.[0]).not.toContain('.probe');
    expect(vcl).toContain('set req.backend_hint = gateway;');
    expect(vcl).toContain(`req.url == "${SHIELD_HEALTH_PATH}"`);
  });

  it('checks each pull and signs its own with the digest vmod, as contracts/pull-signing.ts says', () => {
    expect(vcl).toContain('import digest;');
    expect((vcl.match(/digest\.hmac_sha256\("pull-secret-0123456789"/g) ?? []).length).toBe(2);
    expect(vcl).toContain('set bereq.http.x-vora-pull-expires = std.integer(time=now) + 60;');
    expect(vcl).toMatch(/return \(synth\(401, "unsigned_pull"\)\)/);
    expect(vcl).toMatch(/return \(synth\(401, "expired_pull"\)\)/);
    expect(vcl).toMatch(/return \(synth\(403, "pull_expiry_too_far"\)\)/);
  });

  it('keys the cache on the path alone, so viewer tokens never split an object', () => {
    expect(vcl).toContain('set req.http.x-vora-path = regsub(req.url, "\\?.*$", "");');
    // The path, and for an LL-HLS blocking reload its directives (the next test), nothing else.
    expect(vcl).toContain('sub vcl_hash {\n  hash_data(req.http.x-vora-path);\n  if (req.http.x-vora-hls != "") {\n    hash_data(req.http.x-vora-hls);\n  }\n  return (lookup);');
    expect(vcl).toContain('unset req.http.Authorization;');
  });

  it('serves stale for hours while the gateway is sick, briefly while it is healthy, and never keeps errors', () => {
    expect(vcl).toContain(`set beresp.grace = ${SHIELD_DEFAULTS.graceSeconds}s;`);
    expect(vcl).toMatch(/if \(std\.healthy\(gateway_health\)\) \{\n    set req\.grace = 2s;/);
    expect(vcl).toMatch(/beresp\.status >= 500 \|\| beresp\.status == 401 \|\| beresp\.status == 403\) \{\n[^}]*return \(abandon\);/);
    expect(vcl).toMatch(/sub vcl_backend_error \{\n  return \(abandon\);/);
    // A failed miss is asked once more, for any stale copy.
    expect(vcl).toMatch(/resp\.status == 503 && req\.restarts == 0[^}]*return \(restart\);/);
    expect(renderShieldVcl({ ...options, graceSeconds: 600 })).toContain('set beresp.grace = 600s;');
  });

  it('keeps LL-HLS delivery directives of a playlist in the URL and the key, waits longer for held requests, keeps no part 404', () => {
    expect(vcl).toContain('set req.url = req.http.x-vora-path + req.http.x-vora-hls;');
    expect(vcl).toContain(String.raw`if (req.http.x-vora-path ~ "\.m3u8$" && req.url ~ "[?&]_HLS_msn=[0-9]{1,15}(&|$)") {`);
    expect(vcl).toContain(String.raw`set req.http.x-vora-hls = "?_HLS_msn=" + regsub(req.url, "^.*[?&]_HLS_msn=([0-9]{1,15})(&.*)?$", "\1");`);
    expect(vcl).toContain(String.raw`set req.http.x-vora-hls = req.http.x-vora-hls + "&_HLS_part=" + regsub(req.url, "^.*[?&]_HLS_part=([0-9]{1,15})(&.*)?$", "\1");`);
    expect(vcl).toContain('hash_data(req.http.x-vora-path);\n  if (req.http.x-vora-hls != "") {\n    hash_data(req.http.x-vora-hls);\n  }');
    // Held requests wait longer than the gateway's 6-s hold; ordinary misses keep 5 s.
    expect(vcl).toContain(String.raw`if (bereq.url ~ "[?&]_HLS_msn=" || bereq.url ~ "\.part[0-9]+\.m4s$") {` + `\n    set bereq.first_byte_timeout = ${SHIELD_DEFAULTS.heldFirstByteTimeoutSeconds}s;`);
    expect(SHIELD_DEFAULTS.heldFirstByteTimeoutSeconds).toBeGreaterThan(6);
    expect(vcl).toContain('.first_byte_timeout = 5s;');
    expect(vcl).toContain(String.raw`if (beresp.status == 404 && (bereq.url ~ "\.part[0-9]+\.m4s$" || bereq.url ~ "^/media/live/.*\.m3u8$")) {`);
    expect(vcl).toContain('set beresp.uncacheable = true;');
    expect(vcl).toContain('if (bereq.url ~ "[?&]_HLS_msn=") {\n    # A blocking reload');
    expect(vcl).toContain('unset bereq.http.x-vora-hls;');
    expect(renderShieldVcl({ ...options, heldFirstByteTimeoutSeconds: 9 })).toContain('set bereq.first_byte_timeout = 9s;');
  });

  it('bans a video from the origin only', () => {
    expect(vcl).toContain('ban("obj.http.x-vora-path ~ ^" + req.http.x-vora-path);');
    // One video's folder only (contracts/shield-purge.ts): never /media/ as a whole.
    expect(vcl).toContain('if (req.http.x-vora-path !~ "^/media/[A-Za-z0-9_-]{1,64}/$") {\n      return (synth(400, "bad_purge_path"));');
    expect(new RegExp(PURGE_PATH_REGEX).test(purgePath('vid_abc'))).toBe(true);
    expect(new RegExp(PURGE_PATH_REGEX).test('/media/')).toBe(false);
    expect(new RegExp(PURGE_PATH_REGEX).test('/media/vid_abc/360p/')).toBe(false);
    expect(vcl).toMatch(/acl purgers \{\n  "127\.0\.0\.1";\n\}/);
    expect(renderShieldVcl({ ...options, purgers: ['10.0.0.0/16'] })).toMatch(/acl purgers \{\n  "10\.0\.0\.0"\/16;\n\}/);
  });

  it('refuses values that would break out of the VCL', () => {
    expect(() => renderShieldVcl({ ...options, pullSecret: 'x"; } sub vcl_recv { return (pass); #' })).toThrow(/pull secret/);
    expect(() => renderShieldVcl({ ...options, gatewayHost: 'a"; }' })).toThrow(/host/);
    expect(() => renderShieldVcl({ ...options, gatewayPort: 70000 })).toThrow(/port/);
    expect(() => renderShieldVcl({ ...options, purgers: ['0.0.0.0/0"; }'] })).toThrow(/purger/);
    expect(() => renderShieldVcl({ ...options, graceSeconds: -1 })).toThrow(/graceSeconds/);
  });
});

describe('shield render-cli (the shield tier renders its VCL at boot)', () => {
  it('renders from the environment and names every missing variable', async () => {
    const { vclFromEnv } = await import('../../shield/render-cli.ts');
    expect(vclFromEnv({ GATEWAY_HOST: 'gw.internal', GATEWAY_PORT: '8080', PULL_SECRET: 'pull-secret-0123456789', VCL_OUT: '/x', GRACE_SECONDS: '600', PURGERS: '10.0.0.0/8' })).toContain('.host = "gw.internal";');
    expect(() => vclFromEnv({ GATEWAY_PORT: '8080', VCL_OUT: '/x' })).toThrow(/missing GATEWAY_HOST, PULL_SECRET/);
  });

  it('is the renderer the terraform shield module runs, with every variable it requires', async () => {
    const { readFile } = await import('node:fs/promises');
    const { renderEnvNames } = await import('../../shield/render-cli.ts');
    const cloudInit = await readFile(new URL('../../terraform/modules/shield/templates/cloud-init.yaml.tftpl', import.meta.url), 'utf8');
    expect(cloudInit).toContain('node --import tsx shield/render-cli.ts');
    for (const name of renderEnvNames.required) expect(cloudInit, name).toMatch(new RegExp(`\\b${name}=`));
    expect(cloudInit).toMatch(/packages: \[varnish, varnish-vmod-digest/);
  });

  it('keeps idle clients as long as the local shield does (longer than workerd\'s and nginx\'s pools)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { SHIELD_CLIENT_IDLE_SECONDS } = await import('../../shield/vcl.ts');
    const cloudInit = await readFile(new URL('../../terraform/modules/shield/templates/cloud-init.yaml.tftpl', import.meta.url), 'utf8');
    expect(cloudInit).toContain(`-p timeout_idle=${SHIELD_CLIENT_IDLE_SECONDS}`);
    expect(SHIELD_CLIENT_IDLE_SECONDS).toBeGreaterThan(60);
  });
});
