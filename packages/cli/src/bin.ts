#!/usr/bin/env node
import { main } from './main.js';

// `dl ... | head -1`: the reader has gone, so stop quietly, as Unix tools do, rather than die on an EPIPE stack
// trace. Any other failure to write the results (a full disk) is one line and exit 1.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`dl: standard output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? 0 : 1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dl: INTERNAL: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
