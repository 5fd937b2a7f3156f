import type { DlHint } from '@dlkit/core/pipeline';
import { flagName } from './schema-flags.js';

/** Library options whose flag is not their kebab-case name (`overwrite` is the usual `--force`). */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = { overwrite: 'force' };

const flag = (option: string) => `--${Object.hasOwn(FLAG_OF_OPTION, option) ? FLAG_OF_OPTION[option] : flagName(option)}`;

/**
 * Library options dl sets itself or never offers (it reads URLs and stdin always, FIFOs never, and decodes
 * with its own deadline): a hint to one of them has no flag to name, and is left out rather than made up.
 */
const NO_FLAG = new Set(['allowFifo', 'allowStdin', 'allowUrls', 'allowPrivateHosts', 'decodeTimeoutMs']);

/**
 * A library's hint in the CLI's words: its commands and flags (the library itself never names them). Option
 * names become their flags by the same rule that makes the task flags (`maxSeconds` -> `--max-seconds`).
 */
export function hintWords(hint: DlHint | undefined): string | undefined {
  if (hint === undefined) return undefined;
  switch (hint.kind) {
    case 'pull-model': {
      const pull = `fetch it first: dl models pull ${hint.model} --task ${hint.task}`;
      const others = hint.alternatives?.map((m) => `--model ${m}`).join(' or ');
      return others ? `${pull}; or ${others}, which works offline` : pull;
    }
    case 'pull-dataset':
      return `fetch it first: dl data pull ${hint.dataset} (or point DL_DATA_MIRROR at a folder that holds it)`;
    case 'other-model':
      return `or ${hint.models.map((m) => `--model ${m}`).join(' or ')}, which ${hint.why}`;
    case 'raise-option':
      if (NO_FLAG.has(hint.option)) return undefined;
      return hint.value === undefined ? `a higher ${flag(hint.option)} lets it through` : `${flag(hint.option)} ${hint.value} lets it through`;
    case 'use-option':
      if (NO_FLAG.has(hint.option)) return undefined;
      return hint.value === true ? `try ${flag(hint.option)}` : `try ${flag(hint.option)} ${String(hint.value)}`;
    case 'did-you-mean':
      return `did you mean '${hint.value}'?`;
    case 'install':
      return `install ${hint.what}`;
  }
}

