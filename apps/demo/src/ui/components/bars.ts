import type { Label } from '../api.js';

/** Labels as horizontal bars, best first, each with its score in percent. */
export function renderBars(list: HTMLElement, labels: readonly Label[]): void {
  list.replaceChildren(
    ...labels.map(({ label, score }) => {
      const row = document.createElement('li');
      row.className = 'bar';
      const name = document.createElement('span');
      name.className = 'bar-label';
      name.textContent = label;
      const track = document.createElement('span');
      track.className = 'bar-track';
      const fill = document.createElement('span');
      fill.className = 'bar-fill';
      fill.style.width = `${(score * 100).toFixed(1)}%`;
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'bar-value';
      value.textContent = `${(score * 100).toFixed(1)}%`;
      row.append(name, track, value);
      return row;
    }),
  );
}
