import type { Command } from 'commander';
import { API_TOKEN_SCOPES, ApiTokenScope, type ApiTokenList, type CreatedApiToken } from '../../contracts/api-tokens.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { note, printJson, printLine, printTable } from '../lib/output.ts';

/** Pure: `--scopes videos:read,keys` (commas or spaces) → the scopes, or a CliError naming the unknown one. */
export function parseScopes(value: string): ApiTokenScope[] {
  const scopes = value.split(/[\s,]+/).filter(Boolean);
  if (scopes.length === 0) throw new CliError(`--scopes needs at least one of: ${API_TOKEN_SCOPES.join(', ')}`);
  for (const scope of scopes) {
    if (!ApiTokenScope.safeParse(scope).success) throw new CliError(`unknown scope "${scope}": use ${API_TOKEN_SCOPES.join(', ')}`);
  }
  return scopes as ApiTokenScope[];
}

/** `vora tokens create --scopes … | ls | revoke ID`: operator API tokens (needs an `admin` token). */
export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('operator API tokens with scopes (stored hashed; the secret is shown once)');

  tokens
    .command('create')
    .description('create an API token; its secret is printed once')
    .requiredOption('--scopes <list>', `comma-separated: ${API_TOKEN_SCOPES.join(', ')}`)
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--json', 'print JSON')
    .action(async (options: { scopes: string; name: string; json?: boolean }) => {
      const created = await originClient(loadCliConfig()).request<CreatedApiToken>('POST', '/v1/api-tokens', { name: options.name, scopes: parseScopes(options.scopes) });
      if (options.json) return printJson(created);
      printLine(`created token ${created.apiToken.id} "${created.apiToken.name}" (${created.apiToken.scopes.join(', ')})`);
      note('the token (shown once — store it now; use it as VORA_API_TOKEN or `Authorization: Bearer …`):');
      printLine(created.token);
    });

  tokens
    .command('ls')
    .description('list API tokens (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { tokens: list } = await originClient(loadCliConfig()).request<ApiTokenList>('GET', '/v1/api-tokens');
      if (options.json) return printJson({ tokens: list });
      printTable(
        ['id', 'name', 'scopes', 'created', 'last used', 'revoked'],
        list.map((t) => [t.id, t.name, t.scopes.join(','), t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ?? '-']),
        'no API tokens',
      );
    });

  tokens
    .command('revoke')
    .argument('<id>', 'token id (tok_…)')
    .description('revoke a token for good; requests with it get 401 from then on')
    .action(async (id: string) => {
      await originClient(loadCliConfig()).request('DELETE', `/v1/api-tokens/${encodeURIComponent(id)}`);
      printLine(`revoked token ${id}`);
    });
}
