#!/bin/sh
# fetch-secrets.sh PARAM_PATH OUT_FILE [GROUP]: writes every SSM SecureString under PARAM_PATH as
# NAME=value lines into OUT_FILE, on /run (tmpfs) so secrets never reach a disk. Run as root by a
# oneshot unit before the service that reads OUT_FILE as its EnvironmentFile.
set -eu
path=$1
out=$2
group=${3:-root}
token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)
region=$(curl -fsS -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/placement/region)
mkdir -p "$(dirname "$out")"
tmp="$out.tmp"
umask 077
aws ssm get-parameters-by-path --region "$region" --path "$path" --with-decryption \
  --query 'Parameters[].[Name,Value]' --output text |
  while IFS="$(printf '\t')" read -r name value; do printf '%s=%s\n' "${name##*/}" "$value"; done >"$tmp"
if [ ! -s "$tmp" ]; then
  echo "no parameters under $path: has terraform applied, and may this instance role read them?" >&2
  exit 1
fi
chgrp "$group" "$tmp"
chmod 0640 "$tmp"
mv "$tmp" "$out"
