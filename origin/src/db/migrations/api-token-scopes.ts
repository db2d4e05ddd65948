import { API_TOKEN_SCOPES } from '../../../../contracts/api-tokens.ts';
import type { Migration } from '../migrations.ts';

const scopeList = API_TOKEN_SCOPES.map((scope) => `'${scope}'`).join(', ');

/** Scoped API tokens (issue 20 item 7): tokens made before scopes existed, the bootstrap one included, keep full rights. */
export const apiTokenScopeMigrations: Migration[] = [
  {
    version: 45,
    name: 'api token scopes',
    statements: [
      `ALTER TABLE api_tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{admin}'`,
      `ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_known_scopes CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY[${scopeList}]::text[])`,
    ],
  },
];
