#!/usr/bin/env bash
# Synthetic speech for the speech-digits model (the first step of `pnpm train:speech-digits`):
#   <out>/digits/<digit>-<voice>.wav       the ten digits said by many synthetic voices (more speakers than FSDD's five)
#   <out>/unknown/<voice>-<n>.wav          other English words and sentences, and other languages: the "unknown" class
#   <out>/heldout/<voice>-<n>.wav          non-digit speech by voices, sentences and languages never in unknown/:
#                                          the rejection figures in bench/ are measured on these
# Needs (Debian): espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-italp16k
# Deterministic: fixed voices, pitches and rates, no randomness. Usage: synth-speech.sh [out] (default $DL_CACHE/datasets/speech-digits-synth, where training looks)
set -euo pipefail
out=${1:-${DL_CACHE:-$HOME/.cache/dlkit}/datasets/speech-digits-synth}
here=$(cd "$(dirname "$0")" && pwd)
for tool in espeak-ng flite text2wave; do
  command -v "$tool" >/dev/null || { echo "synth-speech: $tool is missing (apt-get install espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-italp16k)" >&2; exit 1; }
done
mkdir -p "$out/digits" "$out/unknown" "$out/heldout"
digits=(zero one two three four five six seven eight nine)

# espeak-ng: accent x voice variant x pitch x rate, cycled so that each (accent, variant) gets a different pitch/rate.
accents=(en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029)
variants=(m1 m2 m3 m4 m5 m6 m7 f1 f2 f3 f4 f5 klatt klatt2 klatt3 croak adam david edward john max paul robert steph linda annie)
pitches=(25 35 45 55 65 75)
rates=(120 140 160 180 200)
espeak_say() { # voice pitch rate text file
  espeak-ng -v "$1" -p "$2" -s "$3" -w "$5" "$4"
}
n=0
for a in "${accents[@]}"; do
  for v in "${variants[@]}"; do
    p=${pitches[$((n % 6))]}; r=${rates[$((n / 6 % 5))]}; n=$((n + 1))
    for d in "${!digits[@]}"; do espeak_say "$a+$v" "$p" "$r" "${digits[$d]}" "$out/digits/$d-espeak-$a-$v.wav"; done
  done
done
# flite: its five voices at three speaking rates and two pitches.
for v in kal kal16 awb rms slt; do
  for s in 0.8 1.0 1.25; do
    for f in 90 130; do
      for d in "${!digits[@]}"; do
        flite -voice "$v" --setf duration_stretch=$s --setf int_f0_target_mean=$f -t "${digits[$d]}" -o "$out/digits/$d-flite-$v-$s-$f.wav"
      done
    done
  done
done
# festival: its English voices.
for v in kal_diphone ked_diphone cmu_us_slt_arctic_hts; do
  for d in "${!digits[@]}"; do echo "${digits[$d]}" | text2wave -eval "(voice_$v)" -o "$out/digits/$d-festival-$v.wav"; done
done

# The unknown class: espeak-ng only (English accents and other languages), words and sentences from unknown-*.txt;
# the English ones twice, by two different voices.
n=0
for pass in 0 1; do
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    a=${accents[$((n % 7))]}; v=${variants[$(((n + 13 * pass) % 26))]}; p=${pitches[$((n % 6))]}; r=${rates[$((n / 6 % 5))]}
    espeak_say "$a+$v" "$p" "$r" "$line" "$out/unknown/espeak-$a-$n.wav"; n=$((n + 1))
  done < "$here/unknown-english.txt"
done
while IFS='|' read -r lang line; do
  [ -z "$lang" ] && continue
  v=${variants[$((n % 26))]}; p=${pitches[$((n % 6))]}; r=${rates[$((n / 6 % 5))]}
  espeak_say "$lang+$v" "$p" "$r" "$line" "$out/unknown/espeak-$lang-$n.wav"; n=$((n + 1))
done < "$here/unknown-languages.txt"

# Held out for evaluation: flite and festival voices, other sentences, other espeak-ng languages.
n=0
while IFS= read -r line; do
  [ -z "$line" ] && continue
  flite -voice "$( [ $((n % 2)) = 0 ] && echo slt || echo rms )" -t "$line" -o "$out/heldout/flite-$n.wav"
  echo "$line" | text2wave -eval "(voice_$( [ $((n % 2)) = 0 ] && echo cmu_us_slt_arctic_hts || echo ked_diphone ))" -o "$out/heldout/festival-en-$n.wav"
  n=$((n + 1))
done < "$here/heldout-english.txt"
while IFS='|' read -r lang line; do
  [ -z "$lang" ] && continue
  case $lang in
    # The Italian diphone voice reads Latin-1.
    it) echo "$line" | iconv -f utf-8 -t latin1 | text2wave -eval "(voice_lp_diphone)" -o "$out/heldout/festival-it-$n.wav" ;;
  esac
  espeak-ng -v "$lang" -w "$out/heldout/espeak-$lang-$n.wav" "$line"
  n=$((n + 1))
done < "$here/heldout-languages.txt"
echo "synth-speech: $(ls "$out/digits" | wc -l) digits, $(ls "$out/unknown" | wc -l) unknown, $(ls "$out/heldout" | wc -l) held out in $out"
