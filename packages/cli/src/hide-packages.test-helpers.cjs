// Makes installed packages look absent to require() and require.resolve(), as in a project that never installed
// them: the tests of OCR's optional peers (models-list.test.ts). Use: DL_TEST_HIDDEN_PACKAGES=a,b node --require
// <this file> <script>. Only the packages named (and their subpaths) are refused, with Node's own error shape.
'use strict';
const Module = require('node:module');

const hidden = (process.env.DL_TEST_HIDDEN_PACKAGES ?? '').split(',').filter(Boolean);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (hidden.some((pkg) => request === pkg || request.startsWith(`${pkg}/`))) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
