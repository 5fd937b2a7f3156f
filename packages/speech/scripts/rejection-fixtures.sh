#!/usr/bin/env bash
# The committed test fixtures of packages/speech/src/digits/rejection.test.ts: non-digit speech by voices the
# speech-digits model's unknown class never heard (festival voices, an espeak-ng language not in its training), with
# sentences from heldout-*.txt. Mono 16-bit. Needs (Debian): espeak-ng festival festvox-us-slt-hts festvox-italp16k.
# Usage: rejection-fixtures.sh [out] (default packages/speech/src/digits/fixtures)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../src/digits/fixtures}
mkdir -p "$out"
echo "Please leave your message after the tone." | text2wave -F 16000 -eval "(voice_cmu_us_slt_arctic_hts)" -o "$out/english-festival-slt.wav"
echo "Buongiorno, come stai? Oggi il tempo è molto bello." | iconv -f utf-8 -t latin1 | text2wave -F 16000 -eval "(voice_lp_diphone)" -o "$out/italian-festival-lp.wav"
# espeak-ng speaks at 22,050 Hz: kept so (the reader resamples any rate).
espeak-ng -v ru -w "$out/russian-espeak.wav" "Доброе утро, как дела? Сегодня хорошая погода."
ls -l "$out"/*.wav
