/** The channel-configuration core shared by the origin, the edge and the rooms (see README.md). */
export { canonicalBytes, canonicalJson, CanonicalJsonError } from './canonical-json.ts';
export { hashCanonical, sha256Hex } from './hash.ts';
export { rootConfig, rootDocument, rootHash, rootText, ROOT_FORMAT, type RootDocument } from './root.ts';
export { applyConfigPatch, type PatchResult } from './patch.ts';
export {
  applyUpdate,
  extendRun,
  proposeUpdate,
  rootState,
  runFromRootMessage,
  updateHash,
  updateMessage,
  type ConfigState,
  type ProposeOutcome,
  type RunFromRoot,
  type UpdateOutcome,
} from './chain.ts';
