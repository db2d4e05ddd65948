import type { Command } from 'commander';
import type { SecretsRotation, SecretsStatus } from '../../contracts/secrets.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine, printTable } from '../lib/output.ts';

/** Pure: what `vora secrets rotate` prints after the table, and whether the rotation is complete. */
export function rotationSummary(rotation: SecretsRotation): { line: string; complete: boolean } {
  if (rotation.failures.length > 0) {
    const [first] = rotation.failures;
    return { complete: false, line: `${rotation.resealed} re-sealed; ${rotation.failures.length} could not be (left as they were): ${first!.table}.${first!.column} of ${first!.id} — ${first!.message}` };
  }
  if (rotation.underOtherKeys > 0) return { complete: false, line: `${rotation.resealed} re-sealed; ${rotation.underOtherKeys} were sealed meanwhile under an older key by another origin: run it again once every origin runs with the new key` };
  return { complete: true, line: `${rotation.resealed} re-sealed; every stored secret is under key ${rotation.keyId}: VORA_SECRETS_KEY_PREVIOUS can be removed (restart the origins without it)` };
}

/** `vora secrets status | rotate`: the stored secrets' sealing key (needs an `admin` token). */
export function registerSecretsCommand(program: Command): void {
  const secrets = program.command('secrets').description('the key stored secrets are sealed with (VORA_SECRETS_KEY) and its rotation');

  secrets
    .command('status')
    .description("the id of the origin's VORA_SECRETS_KEY and how many stored secrets still need an older key")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await originClient(loadCliConfig()).request<SecretsStatus>('GET', '/v1/secrets');
      if (options.json) return printJson(status);
      printLine(`key ${status.keyId}; ${status.underOtherKeys} stored secret(s) under an older key`);
    });

  secrets
    .command('rotate')
    .description('re-seal every stored secret under the origin\'s VORA_SECRETS_KEY (the origin does it at start too; run it after every origin restarted with the new key)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const rotation = await originClient(loadCliConfig()).request<SecretsRotation>('POST', '/v1/secrets/reseal');
      const summary = rotationSummary(rotation);
      if (options.json) printJson(rotation);
      else {
        printTable(['table', 'column', 're-sealed'], rotation.columns.map((column) => [column.table, column.column, String(column.resealed)]), 'no sealed columns');
        printLine(summary.line);
      }
      if (rotation.failures.length > 0) throw new CliError(`${rotation.failures.length} stored secret(s) could not be re-sealed: give the key they need as VORA_SECRETS_KEY_PREVIOUS and restart the origin`);
    });
}
