"""Timed words of a 16 kHz mono WAV by faster-whisper, one JSON object per line on stdout.

usage: python faster-whisper-words.py AUDIO.wav MODEL_DIR LANGUAGE THREADS
The model is a local CTranslate2 directory: nothing is downloaded (local_files_only, HF_HUB_OFFLINE).
"""
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"

from faster_whisper import WhisperModel  # noqa: E402


def main() -> None:
    audio, model_dir, language, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True)
    # The VAD (Silero, shipped inside faster-whisper) skips silence and music, where Whisper would invent words.
    segments, _ = model.transcribe(audio, language=language, word_timestamps=True, vad_filter=True, beam_size=5, condition_on_previous_text=False)
    for segment in segments:
        for word in segment.words or []:
            print(json.dumps({"word": word.word, "start": round(word.start, 3), "end": round(word.end, 3)}), flush=True)


if __name__ == "__main__":
    main()
