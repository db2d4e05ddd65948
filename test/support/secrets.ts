/** Stack secrets for a test's own servers: fixed, readable values, with only what the test cares about given. */
import type { StackSecrets } from '../../stack/secrets.ts';

/** Every secret the stack components need; MinIO's password meets its 8-character minimum, the secrets key is 32 bytes. */
export function fakeSecrets(given: Partial<StackSecrets> = {}): StackSecrets {
  return { apiToken: 'test-api-token-0123456789', internalSecret: 'test-internal-secret', nodeKey: 'test-node-key-0123456789', pullSecret: 'test-pull-secret-0123456789', minioUser: 'vora-test', minioPassword: 'vora-test-password', secretsKey: 'dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=', ...given };
}
