#!/bin/sh
# Installs Node.js 20 (nodejs.org build, checksum-verified) and the Vora release tarball into /opt/vora.
# Shared by every host kind (origin, transcoder, CDN node); reads /etc/vora/release.env, idempotent.
set -eu
. /etc/vora/release.env # NODE_VERSION NODE_ARCH RELEASE_URL RELEASE_SHA256

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$(/usr/local/bin/node --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  base="https://nodejs.org/dist/v$NODE_VERSION"
  file="node-v$NODE_VERSION-linux-$NODE_ARCH.tar.xz"
  curl -fsSL --retry 5 -o "$work/$file" "$base/$file"
  curl -fsSL --retry 5 -o "$work/SHASUMS256.txt" "$base/SHASUMS256.txt"
  (cd "$work" && grep " $file\$" SHASUMS256.txt | sha256sum -c -)
  tar -xJf "$work/$file" -C /usr/local --strip-components=1 --no-same-owner
fi

curl -fsSL --retry 5 -o "$work/release.tar.gz" "$RELEASE_URL"
echo "$RELEASE_SHA256  $work/release.tar.gz" | sha256sum -c -
rm -rf /opt/vora.new
mkdir -p /opt/vora.new
tar -xzf "$work/release.tar.gz" -C /opt/vora.new --strip-components=1 --no-same-owner
if [ ! -f /opt/vora.new/node_modules/tsx/package.json ]; then
  echo "the release tarball has no node_modules/tsx: build it with 'npm ci --omit=dev' first (terraform/README.md, Release tarball)" >&2
  exit 1
fi
rm -rf /opt/vora.old
if [ -d /opt/vora ]; then mv /opt/vora /opt/vora.old; fi
mv /opt/vora.new /opt/vora
echo "vora release installed: $(/usr/local/bin/node --version), $(cat /opt/vora/package.json | grep '"version"' | head -1)"
