// The default import: Node loads this package as CommonJS, whose named exports it cannot see.
import jsonpatch, { type Operation } from 'fast-json-patch';
import { ChannelConfig, type PatchOperation } from '../contracts/channel-config.ts';

export type PatchResult = { ok: true; config: ChannelConfig } | { ok: false; path: string; message: string };

const escapeSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const pointer = (path: readonly PropertyKey[]) => path.map((segment) => `/${escapeSegment(String(segment))}`).join('');

// fast-json-patch's error names, said as a cause and a fix (its own message dumps the whole document).
const patchFailures: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: 'nothing is at this path (replace, remove and test need an existing value)',
  OPERATION_PATH_CANNOT_ADD: 'the parent of this path does not exist; add the parent object first',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'not a valid array index (use 0…length, or - to append)',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'array index beyond the end of the array',
  OPERATION_FROM_UNRESOLVABLE: 'nothing is at the `from` path',
  TEST_OPERATION_FAILED: 'the test operation found a different value',
  OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: 'the value must be JSON',
};

// fast-json-patch throws a bare TypeError for these (prototype pollution guard); refuse them as a value first.
const prototypeSegment = /\/(__proto__|constructor|prototype)(\/|$)/;
const touchesPrototype = (operation: PatchOperation) =>
  prototypeSegment.test(operation.path) || ('from' in operation && prototypeSegment.test(operation.from));

/**
 * Applies an RFC 6902 patch to a configuration (never mutating it) and validates the result.
 * Errors are values naming the JSON pointer at fault, so the API can answer 422 with it.
 */
export function applyConfigPatch(config: ChannelConfig, patch: readonly PatchOperation[]): PatchResult {
  const banned = patch.findIndex(touchesPrototype);
  if (banned >= 0) return { ok: false, path: patch[banned]!.path, message: `operation ${banned}: __proto__, constructor and prototype are not configuration keys` };
  let patched: unknown;
  try {
    // validateOperation: a replace of a missing path fails instead of creating it; the last flag bans __proto__ writes.
    patched = jsonpatch.applyPatch(config, patch as Operation[], true, false, true).newDocument;
  } catch (error) {
    if (!(error instanceof jsonpatch.JsonPatchError)) throw error;
    const operation = error.operation as { path?: string; op?: string } | undefined;
    const why = patchFailures[error.name] ?? error.name;
    return { ok: false, path: operation?.path ?? '', message: `operation ${error.index ?? '?'} (${operation?.op ?? '?'}): ${why}` };
  }
  const checked = ChannelConfig.safeParse(patched);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    // An unknown key is reported on its parent; name the key itself.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    return { ok: false, path: pointer(path), message: `the patched configuration is invalid: ${issue.message}` };
  }
  return { ok: true, config: checked.data };
}
