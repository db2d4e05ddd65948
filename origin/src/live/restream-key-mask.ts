/** Keys shorter than this are masked whole: four characters of a short key would give away too much of it. */
const SHOWN_FROM_LENGTH = 12;
const SHOWN_CHARACTERS = 4;

/**
 * Pure: how the API shows a restream target's key after creation — enough to tell two keys apart
 * (`****` + the last 4 characters), never enough to use one.
 */
export function maskStreamKey(key: string): string {
  return key.length >= SHOWN_FROM_LENGTH ? `****${key.slice(-SHOWN_CHARACTERS)}` : '****';
}
