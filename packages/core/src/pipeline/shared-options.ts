import { z } from 'zod';
import { HUB_DTYPES } from '../models/hub-dtypes.js';

/**
 * Load options of a transformers.js (hub) model: its weights variant and where it runs. Core's loader checks the
 * device against what this platform has; a dlkit model (embedded or trained here) refuses both but `device: 'cpu'`.
 * Shared by every task that can run a hub model, so the names and their help read the same everywhere.
 */
export const HUB_LOAD_OPTIONS = {
  dtype: z.enum(HUB_DTYPES).optional().describe('hub models: the weights variant to load (default: as the model says, else fp32); dlkit models refuse it'),
  device: z.string().min(1).max(32).optional().describe('hub models: where it runs (cpu by default; webgpu, cuda, dml, coreml, auto or gpu where there is one); dlkit models run on cpu only'),
};

/** Where an input may come from besides a file or bytes: each off unless the caller says so (core's readers). */
export const INPUT_SOURCE_OPTIONS = {
  allowUrls: z.boolean().optional().describe('fetch http(s) URL inputs (default false)'),
  allowStdin: z.boolean().optional().describe("read standard input for '-' (default false)"),
  allowPrivateHosts: z.boolean().optional().describe('let URL inputs reach loopback, private or link-local addresses (default false)'),
};
