import { access, constants } from 'node:fs/promises';
import type { ToolSpec } from '../tool.ts';
import { aptInstall, run, which } from '../exec.ts';

/** Where Debian's varnish-vmod-digest puts the vmod (multiarch folder). */
const digestVmodPaths = ['x86_64-linux-gnu', 'aarch64-linux-gnu'].map((arch) => `/usr/lib/${arch}/varnish/vmods/libvmod_digest.so`);

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(() => true, () => false);
}

/** Debian's Varnish and its digest vmod (the shield's VCL checks and signs pulls with HMAC-SHA256, shield/vcl.ts), and hitch, its TLS front. */
export const varnishTool: ToolSpec = {
  name: 'varnish',
  pinned: "Debian's varnish + varnish-vmod-digest + hitch (TLS front)",
  async locate() {
    const varnishd = await which('varnishd', ['/usr/sbin']);
    if (!varnishd) return null;
    // hitch is the shield's TLS front (stack/components/shield-tls.ts): without it, count Varnish as missing too.
    if (!(await which('hitch', ['/usr/sbin']))) return null;
    // Without the vmod the VCL does not compile: count Varnish as missing so provisioning installs both.
    for (const path of digestVmodPaths) if (await readable(path)) return varnishd;
    return null;
  },
  async version(path) {
    // varnishd -V prints on stderr.
    const out = await run('/bin/sh', ['-c', `"${path}" -V 2>&1`], { timeoutMs: 5_000 });
    return out.split('\n')[0]!.trim();
  },
  install: (progress) => aptInstall(['varnish', 'varnish-vmod-digest', 'hitch'], progress),
  fix: 'apt-get install varnish varnish-vmod-digest hitch',
};
