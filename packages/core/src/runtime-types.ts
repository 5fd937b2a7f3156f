/**
 * The runtime libraries' types where dlkit's public signatures name them. A project type-checks every
 * declaration file our types reach (unless it sets `skipLibCheck`), and these libraries' own would fail it:
 * @tensorflow/tfjs-layers 4.22's under `strict` (its config types break their own index signatures, and its
 * `LayersModel` does not match tfjs-core's `InferenceModel`), @tensorflow/tfjs-core 4.22's under TypeScript 7 (the
 * `@webgpu/types` they reference clash with TypeScript 7's DOM types); and onnxruntime-node,
 * @tensorflow/tfjs-converter and @huggingface/transformers are optional peers a project may not have. So each type
 * below is a small interface of ours unless `DlkitRuntimeTypes` names the library's own type: this repository's
 * packages do (packages/core/types/runtime-types.d.ts), and a project with the library may too, e.g.
 * `declare global { interface DlkitRuntimeTypes { LayersModel: import('@tensorflow/tfjs-layers').LayersModel } }`.
 */
declare global {
  // Empty here: declaration merging fills it in.
  interface DlkitRuntimeTypes {}
}

/** `DlkitRuntimeTypes[K]` where it is named, else `Fallback`. */
type Named<K extends string, Fallback> = DlkitRuntimeTypes extends { [key in K]: infer T } ? T : Fallback;

/** The @tensorflow/tfjs-core module (the `tf` of a selected backend). */
export type Tf = Named<'Tf', { readonly version_core: string }>;
/** A tfjs-core `Tensor`. */
export type TfTensor = Named<'TfTensor', { readonly shape: number[]; dispose(): void }>;
/** A tfjs-core `Variable` (a model's trainable weight). */
export type TfVariable = Named<'TfVariable', TfTensor>;
/** A tfjs-layers model (`LayersModel` of @tensorflow/tfjs-layers), as training builds, fits, saves and loads it. */
export type LayersModel = Named<'LayersModel', { readonly name: string; countParams(): number; dispose(): unknown }>;
/** The @tensorflow/tfjs-layers module. */
export type TfjsLayers = Named<'TfjsLayers', object>;
/** A tfjs graph model (`GraphModel` of @tensorflow/tfjs-converter). */
export type GraphModel = Named<'GraphModel', { dispose(): void }>;
/** The onnxruntime-node module. */
export type Ort = Named<'Ort', { readonly InferenceSession: unknown; readonly Tensor: unknown }>;
/** An onnxruntime-node `InferenceSession`. */
export type InferenceSession = Named<'InferenceSession', { readonly inputNames: readonly string[]; readonly outputNames: readonly string[]; release(): Promise<void> }>;
/** The @huggingface/transformers module. */
export type Transformers = Named<'Transformers', { pipeline(...args: never[]): Promise<unknown> }>;
