import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import { TASKS as NLP_TASKS } from '@dlkit/nlp/tasks';
import { TASKS as SPEECH_TASKS } from '@dlkit/speech/tasks';
import { TASKS as TABULAR_TASKS } from '@dlkit/tabular/tasks';
import { TASKS as VISION_TASKS } from '@dlkit/vision/tasks';
import { findCommand } from './command/find.js';
import { chooseFormat, cueLimitsOf } from './command/formats.js';
import { commandsHelp } from './command/help.js';
import { parseCommand } from './command/parse.js';
import { optionsFromFlags } from './command/schema-flags.js';
import { commandName } from './command/spec.js';
import { COMMANDS } from './command/table.js';
import { taskCommand } from './command/task-command.js';
import { runDl } from './run-dl.test-helpers.js';

// No model loads here: the examples are parsed as `dl` parses a command line, up to where a command would start
// reading its inputs, so an example never names a command, flag, format or option value `dl` refuses.
const ROWS: readonly AnyTaskDefinition[] = [...VISION_TASKS, ...NLP_TASKS, ...SPEECH_TASKS, ...TABULAR_TASKS];

/** A command line's words as a POSIX shell splits them, for the quoting examples use ("what a joy", 'x y'). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

/** Parses one example as `dl` would before running it; throws the usage error `dl` would exit 2 with. */
async function parseExample(line: string) {
  const [program, ...argv] = shellWords(line);
  expect(program, line).toBe('dl');
  const command = findCommand(COMMANDS, argv);
  const parsed = parseCommand(command, argv);
  optionsFromFlags(command.flags, parsed, 'load');
  optionsFromFlags(command.flags, parsed, 'call');
  const row = ROWS.find((r) => commandName(taskCommand(r)) === commandName(command));
  if (row !== undefined) {
    const format = chooseFormat(row, parsed.values.format as string | undefined, parsed.values.out as string | undefined, commandName(command));
    await cueLimitsOf(parsed, format);
  }
  return { command, parsed };
}

describe('the examples of every TASKS row (parsed, no model loaded)', () => {
  it.each(ROWS.map((r) => [r.task, r] as const))('%s has 1-3 examples, each a dl command line with a comment', (_, row) => {
    expect(row.examples?.length).toBeGreaterThanOrEqual(1);
    expect(row.examples!.length).toBeLessThanOrEqual(3);
    for (const e of row.examples!) {
      expect(e.command).toMatch(/^dl \S/);
      expect(e.comment.trim().length, e.command).toBeGreaterThan(0);
    }
  });

  it.each(ROWS.flatMap((r) => (r.examples ?? []).map((e) => [r.task, e.command] as const)))('%s: `%s` parses as a command of dl (no usage error)', async (task, line) => {
    const { command, parsed } = await parseExample(line);
    const row = ROWS.find((r) => r.task === task)!;
    // A row's example runs its own command; tabular rows have none of their own (dl tabular train/predict run them).
    const own = COMMANDS.some((c) => commandName(c) === commandName(taskCommand(row)));
    if (own) expect(commandName(command)).toBe(commandName(taskCommand(row)));
    else expect(command.words[0]).toBe(row.domain);
    const text = parsed.values.text !== undefined || parsed.values.stream === true;
    expect(parsed.positionals.length > 0 || text, `${line}: no inputs`).toBe(true);
  });

  it('a hand-made example with a flag dl does not take is a usage error (the check above can fail)', async () => {
    await expect(parseExample('dl vision ocr scan.png --lang eng')).rejects.toThrow(/unknown option '--lang'/);
    await expect(parseExample('dl vision ocr scan.png --layout columns')).rejects.toThrow(/--layout must be one of/);
    await expect(parseExample('dl vision pose people.jpg --out skeleton.srt')).rejects.toThrow(/cannot write srt/);
  });
});

describe('task help: examples and the model lines', () => {
  const help = (words: string[]) => commandsHelp([findCommand(COMMANDS, words)]);

  it('a row with a modelNote says it on the default-model line and the --model flag; one without keeps the generic words', () => {
    const pose = help(['vision', 'pose']);
    expect(pose).toMatch(/--model MODEL +default movenet-lightning: the embedded MoveNet SinglePose Lightning/);
    expect(pose).toContain('Default model: movenet-lightning (the embedded MoveNet SinglePose Lightning, works offline, run on each person box of the embedded CenterNet detector)');
    const transcribe = help(['speech', 'transcribe']);
    expect(transcribe).toContain('Default model: onnx-community/whisper-tiny.en (fetched from the hub on first use and cached; offline: dl models pull onnx-community/whisper-tiny.en --task automatic-speech-recognition first; or another Whisper hub id or folder, or speech-digits: embedded and offline');
    expect(transcribe).toMatch(/--model MODEL +default onnx-community\/whisper-tiny\.en: fetched from the hub/);
    const classify = help(['vision', 'classify']);
    expect(classify).toContain('Default model: mobilenetv2 (embedded: works offline)');
    expect(classify).toMatch(/--model NAME\|DIR\|ID +an embedded model, a model folder or a hub id \(default mobilenetv2: embedded, offline\)/);
  });

  it('every task command prints its examples under "Examples:", each comment above its command line', () => {
    for (const row of ROWS.filter((r) => r.domain !== 'tabular')) {
      const text = help(taskCommand(row).words as string[]);
      const lines = text.split('\n');
      const start = lines.indexOf('Examples:');
      expect(start, row.task).toBeGreaterThan(0);
      expect(lines.slice(start + 1, start + 1 + 2 * row.examples!.length)).toEqual(row.examples!.flatMap((e) => [`  # ${e.comment}`, `  ${e.command}`]));
    }
  });
});

describe('dl --help and dl vision ocr --help (spawned, the built CLI)', () => {
  const vision = JSON.parse(readFileSync(new URL('../../vision/package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
  const peers = vision.peerDependencies;
  const install = `npm install tesseract.js@${peers['tesseract.js']} @tesseract.js-data/eng@${peers['@tesseract.js-data/eng']}`;

  it("dl vision ocr --help shows its examples and the install line of the OCR peers vision's package.json pins", async () => {
    const r = await runDl(['vision', 'ocr', '--help'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Default model: tesseract-eng (the one OCR model, Tesseract LSTM, wasm and offline, on optional peers: ${install};`);
    expect(r.stdout).toMatch(new RegExp(`--model MODEL +default tesseract-eng: the one OCR model.*${install.replace(/[.@/]/g, '\\$&')}`));
    expect(r.stdout).toContain('--lang-path');
    const ocr = VISION_TASKS.find((t) => t.task === 'image-to-text')!;
    expect(r.stdout).toContain(`\nExamples:\n${ocr.examples!.map((e) => `  # ${e.comment}\n  ${e.command}`).join('\n')}\n`);
  });

  it('dl --help lists image-to-text (vision ocr) and pose-estimation (vision pose) with their rows\' summaries', async () => {
    const r = await runDl(['--help'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    for (const task of ['image-to-text', 'pose-estimation']) {
      const row = VISION_TASKS.find((t) => t.task === task)!;
      const line = r.stdout.split('\n').find((l) => l.startsWith(`  vision ${row.aliases[0]} `));
      expect(line, task).toMatch(new RegExp(`^  vision ${row.aliases[0]} <images\\.\\.\\.> +${row.summary.replace(/[()[\]{}.*+?^$|\\]/g, '\\$&')}$`));
    }
  });
});
