import { ApiFailure } from '../api.js';

/** What a person should read first, by error code; the server's message follows with the details. */
const HEADLINES: Record<string, string> = {
  INPUT_UNSUPPORTED: 'That file is not something this page can read',
  INPUT_UNREADABLE: 'That file could not be read',
  INPUT_TOO_LARGE: 'That file is too large',
  BUSY: 'The server is busy',
  INVALID_ARGUMENT: 'The server refused that request',
  TIMEOUT: 'That took too long',
  MODEL_OFFLINE: 'That model is not on this machine',
  MODEL_NOT_FOUND: 'No such model',
  OFFLINE: 'No connection to the server',
  CONFLICT: 'Not now',
  DATASET_INVALID: 'The training data is missing or broken',
};

/** Shows an error in `container` (replacing an earlier one); `undefined` clears it. */
export function showError(container: HTMLElement, error: unknown): void {
  container.replaceChildren();
  container.hidden = error === undefined;
  if (error === undefined) return;
  const failure = error instanceof ApiFailure ? error : new ApiFailure(0, 'ERROR', error instanceof Error ? error.message : String(error));
  const title = document.createElement('strong');
  title.textContent = HEADLINES[failure.code] ?? 'Something went wrong';
  const detail = document.createElement('span');
  detail.textContent = ` ${failure.message}`;
  container.append(title, detail);
  container.dataset.code = failure.code;
}

export function errorBox(): HTMLElement {
  const box = document.createElement('div');
  box.className = 'error';
  box.setAttribute('role', 'alert');
  box.hidden = true;
  return box;
}
