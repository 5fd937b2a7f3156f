// No imports on purpose: the light entry `@dlkit/core/pipeline` re-exports these for the domains' TASKS schemas.

/** The weight variants transformers.js 4 loads (its DATA_TYPES): `onnx/model<suffix>.onnx` for each. */
export const HUB_DTYPES = ['auto', 'fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'q4f16', 'q2', 'q2f16', 'q1', 'q1f16'] as const;
export type HubDtype = (typeof HUB_DTYPES)[number];
