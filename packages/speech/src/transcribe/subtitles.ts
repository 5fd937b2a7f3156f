import type { TranscriptChunk } from './transcribe.js';

function clock(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm` (hours grow past 99 if they must). */
export function toSrt(chunks: readonly TranscriptChunk[]): string {
  return chunks.map((c, i) => `${i + 1}\n${clock(c.timestamp[0], ',')} --> ${clock(c.timestamp[1], ',')}\n${c.text.trim()}\n`).join('\n');
}

/** WebVTT: a `WEBVTT` header, then cues with `HH:MM:SS.mmm` times. */
export function toVtt(chunks: readonly TranscriptChunk[]): string {
  return `WEBVTT\n\n${chunks.map((c) => `${clock(c.timestamp[0], '.')} --> ${clock(c.timestamp[1], '.')}\n${c.text.trim()}\n`).join('\n')}`;
}

const TIME = /^(\d{2,}):(\d{2}):(\d{2})[,.](\d{3})$/;

/** Cues of an SRT or VTT file back as chunks (times in seconds): for checking what was written. */
export function parseSubtitles(text: string): TranscriptChunk[] {
  const cues: TranscriptChunk[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n{2,}/)) {
    const lines = block.trim().split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const [a, b] = lines[at]!.split('-->').map((s) => s.trim());
    const seconds = (s: string | undefined) => {
      const m = TIME.exec(s ?? '');
      if (!m) throw new Error(`bad cue time: ${s}`);
      return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
    };
    cues.push({ timestamp: [seconds(a), seconds(b)], text: lines.slice(at + 1).join('\n') });
  }
  return cues;
}
