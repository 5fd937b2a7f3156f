/**
 * A one-line download progress on stderr (`file 42%`, or MB when the size is unknown), rewritten in place; `end()`
 * finishes the line when one was written. Nothing is written with --json (stdout stays clean either way).
 */
export function downloadProgress(json: boolean) {
  let shown = '';
  return {
    update({ file, loaded, total }: { file: string; loaded: number; total: number | undefined }): void {
      if (json) return;
      const line = `${file} ${total ? `${Math.floor((loaded / total) * 100)}%` : `${(loaded / 1e6).toFixed(1)} MB`}`;
      if (line !== shown) process.stderr.write(`\r${(shown = line)}\x1b[K`);
    },
    end(): void {
      if (shown) process.stderr.write('\n');
      shown = '';
    },
  };
}
