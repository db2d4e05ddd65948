import { describe, expect, it } from 'vitest';
import { parsePocketsphinxTimes } from '../../transcoder/src/captions/pocketsphinx-output.ts';
import { speechAudioArgs } from '../../transcoder/src/captions/speech-audio-args.ts';
import { chooseSpeechEngine, type SpeechEngineSettings } from '../../transcoder/src/captions/speech-engines.ts';
import { parseWhisperWords } from '../../transcoder/src/captions/whisper-output.ts';

// As Debian's pocketsphinx_continuous -time yes printed it for an espeak-ng sentence (two utterances).
const pocketsphinxOutput = `we are going to the market(2)
<s> 0.000 0.230 0.999300
we 0.240 0.410 0.675471
<sil> 0.420 0.530 0.999400
are 0.540 0.680 0.220893
going 0.690 1.010 0.441625
[NOISE] 1.020 1.100 0.5
to 1.110 1.240 0.931454
the 1.250 1.380 0.643875
market(2) 1.390 1.890 0.843058
</s> 1.900 2.300 1.000000
++UH++ 13.000 13.200 0.1
bread 13.370 13.600 1.2e-05
`;

describe('pocketsphinx -time yes output', () => {
  it('gives the words with their times, without markers, fillers or pronunciation variants', () => {
    const parsed = parsePocketsphinxTimes(pocketsphinxOutput);
    expect(parsed).toEqual({
      ok: true,
      words: [
        { text: 'we', startSeconds: 0.24, endSeconds: 0.41 },
        { text: 'are', startSeconds: 0.54, endSeconds: 0.68 },
        { text: 'going', startSeconds: 0.69, endSeconds: 1.01 },
        { text: 'to', startSeconds: 1.11, endSeconds: 1.24 },
        { text: 'the', startSeconds: 1.25, endSeconds: 1.38 },
        { text: 'market', startSeconds: 1.39, endSeconds: 1.89 },
        { text: 'bread', startSeconds: 13.37, endSeconds: 13.6 },
      ],
    });
  });

  it('refuses a word that ends before it starts', () => {
    expect(parsePocketsphinxTimes('dog 2.000 1.000 0.5\n')).toEqual({ ok: false, error: 'pocketsphinx gave "dog" an end (1.000) before its start (2.000)' });
  });
});

describe('faster-whisper word lines', () => {
  it('gives the words trimmed, a zero-length last word kept at its start', () => {
    const output = '{"word": " The", "start": 0.0, "end": 0.16}\n{"word": " fox.", "start": 0.78, "end": 0.7}\n\n{"word": " ", "start": 1, "end": 1}\n';
    expect(parseWhisperWords(output)).toEqual({
      ok: true,
      words: [
        { text: 'The', startSeconds: 0, endSeconds: 0.16 },
        { text: 'fox.', startSeconds: 0.78, endSeconds: 0.78 },
      ],
    });
  });

  it('names the first line that is not a timed word', () => {
    expect(parseWhisperWords('{"word": "a", "start": 0, "end": 1}\nTraceback (most recent call last):')).toEqual({ ok: false, error: 'line 2 of the faster-whisper output is not JSON: Traceback (most recent call last):' });
    expect(parseWhisperWords('{"word": "a", "start": -1, "end": 1}')).toMatchObject({ ok: false, error: expect.stringContaining('line 1 of the faster-whisper output is not a timed word') });
  });
});

describe('choosing the speech engine', () => {
  const pocketsphinxOnly: SpeechEngineSettings = { preference: 'auto', pocketsphinx: { path: '/usr/bin/pocketsphinx_continuous', modelDir: '/m/en-us' } };
  const both: SpeechEngineSettings = { ...pocketsphinxOnly, fasterWhisper: { python: '/venv/bin/python', modelDir: '/models/whisper-base', threads: 2 } };
  const chosen = (settings: SpeechEngineSettings, language: string) => {
    const choice = chooseSpeechEngine(settings, language);
    return choice.ok ? choice.engine.name : choice.reason;
  };

  it('takes faster-whisper when its model is configured, pocketsphinx otherwise', () => {
    expect(chosen(both, 'en-US')).toBe('faster-whisper');
    expect(chosen(pocketsphinxOnly, 'en-US')).toBe('pocketsphinx');
    expect(chosen({ ...both, preference: 'pocketsphinx' }, 'en')).toBe('pocketsphinx');
  });

  it('says which language no engine here speaks, and how to get one that does', () => {
    expect(chosen(pocketsphinxOnly, 'fr')).toMatch(/no speech engine here speaks "fr": pocketsphinx \(English only; .*FASTER_WHISPER_MODEL_DIR/);
    expect(chosen(both, 'fr')).toBe('faster-whisper');
    expect(chosen(both, 'tlh')).toMatch(/no speech engine here speaks "tlh"/);
    expect(chosen({ ...pocketsphinxOnly, preference: 'faster-whisper' }, 'en')).toMatch(/CAPTIONS_ENGINE is faster-whisper but no Whisper model is configured/);
  });

  it('runs pocketsphinx on Debian\'s model files and faster-whisper on the primary language subtag', () => {
    const pocketsphinx = chooseSpeechEngine(pocketsphinxOnly, 'en');
    const whisper = chooseSpeechEngine(both, 'pt-BR');
    if (!pocketsphinx.ok || !whisper.ok) throw new Error('both engines should be chosen');
    expect(pocketsphinx.engine.command('/w/a.wav', 'en')).toEqual({
      command: '/usr/bin/pocketsphinx_continuous',
      args: ['-infile', '/w/a.wav', '-time', 'yes', '-logfn', '/dev/null', '-hmm', '/m/en-us/en-us', '-lm', '/m/en-us/en-us.lm.bin', '-dict', '/m/en-us/cmudict-en-us.dict'],
    });
    const { command, args } = whisper.engine.command('/w/a.wav', 'pt-BR');
    expect(command).toBe('/venv/bin/python');
    expect(args[0]).toMatch(/transcoder\/src\/captions\/faster-whisper-words\.py$/);
    expect(args.slice(1)).toEqual(['/w/a.wav', '/models/whisper-base', 'pt', '2']);
  });
});

describe('speech audio extraction', () => {
  it('takes the first audio stream only, as 16 kHz mono 16-bit WAV', () => {
    expect(speechAudioArgs('https://minio/raw?sig', '/w/speech.wav')).toEqual([
      '-hide_banner', '-nostdin', '-nostats', '-y', '-i', 'https://minio/raw?sig', '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', '/w/speech.wav',
    ]);
  });
});
