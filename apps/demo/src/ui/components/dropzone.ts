export interface DropzoneOptions {
  /** The file input's accept list. */
  accept: string;
  label: string;
  onFile(file: File): void;
}

/** A box to drop a file on or click to pick one; a pasted file works too while the page is open. */
export function createDropzone({ accept, label, onFile }: DropzoneOptions): HTMLElement {
  const zone = document.createElement('label');
  zone.className = 'dropzone';
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = accept;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
    input.value = '';
  });
  const text = document.createElement('span');
  text.textContent = label;
  zone.append(input, text);
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file) onFile(file);
  });
  return zone;
}
