/**
 * FFmpeg options that turn a source's first audio stream into what speech engines read: 16 kHz mono signed 16-bit
 * WAV (pocketsphinx's acoustic model and Whisper's front end both expect 16 kHz). Pure.
 */
export function speechAudioArgs(input: string, output: string): string[] {
  return ['-hide_banner', '-nostdin', '-nostats', '-y', '-i', input, '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', output];
}
