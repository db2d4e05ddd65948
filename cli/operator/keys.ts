import type { Command } from 'commander';
import { TOKEN_ALGORITHMS } from '../../contracts/token-signing.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { note, printJson, printLine, printTable } from '../lib/output.ts';

interface KeySummary {
  kid: string;
  alg: string;
  kind: string;
  createdAt: string;
}

interface CreatedKey {
  kid: string;
  alg: string;
  publicJwk: unknown;
  privateJwk: unknown;
  edgeSynced: boolean;
}

const algs: readonly string[] = TOKEN_ALGORITHMS;

/** `vora keys create | ls | rm KID`: playback signing keys (rotate by create, then rm of the old one). */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('playback signing keys (the edge gets the public set)');

  keys
    .command('create')
    .description('create an operator signing key; its private half is printed once')
    .option('--alg <alg>', `signature algorithm (${algs.join(' or ')})`, 'ES256')
    .option('--json', 'print JSON')
    .action(async (options: { alg: string; json?: boolean }) => {
      const alg = options.alg.toUpperCase();
      if (!algs.includes(alg)) throw new CliError(`--alg ${JSON.stringify(options.alg)} is not supported: use ${algs.join(' or ')}`);
      const created = await originClient(loadCliConfig()).request<CreatedKey>('POST', '/v1/keys', { alg });
      if (options.json) return printJson(created);
      printLine(`created key ${created.kid} (${created.alg})`);
      if (!created.edgeSynced) note('the edge did not take the new public key set yet (is it running?); the origin pushes it again on the next key change');
      note('private key (shown once — store it now to sign tokens yourself):');
      printLine(JSON.stringify(created.privateJwk));
    });

  keys
    .command('ls')
    .description('list signing keys')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { keys: list } = await originClient(loadCliConfig()).request<{ keys: KeySummary[] }>('GET', '/v1/keys');
      if (options.json) printJson({ keys: list });
      else printTable(['kid', 'alg', 'kind', 'created'], list.map((k) => [k.kid, k.alg, k.kind, k.createdAt]), 'no signing keys yet: the origin creates its managed key on the first `vora sign`');
    });

  keys
    .command('rm')
    .argument('<kid>', 'key id (key_…)')
    .description('delete a signing key; tokens it signed stop working at the edge')
    .action(async (kid: string) => {
      const answer = await originClient(loadCliConfig()).request<{ edgeSynced: boolean }>('DELETE', `/v1/keys/${encodeURIComponent(kid)}`);
      printLine(`deleted key ${kid}`);
      if (!answer.edgeSynced) note('the edge did not take the new public key set yet (is it running?)');
    });
}
