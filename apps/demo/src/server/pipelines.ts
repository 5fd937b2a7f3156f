import { listEmbeddedModels } from '@dlkit/core';
import { createSentimentAnalyzer, createSummarizer, type Summarizer, type TextClassifier } from '@dlkit/nlp';
import { createTranscriber, SPEECH_DIGITS_MODEL, type Transcriber } from '@dlkit/speech';
import { createClassifier, createDetector, createFaceAnalyzer, type Classifier, type Detector, type FaceAnalyzer } from '@dlkit/vision';
import { ApiError } from './api-error.js';

/** Pixels a decoded upload may have: a 40-megapixel photo passes, a decompression bomb does not. */
export const MAX_PIXELS = 40_000_000;

/** The model the Train page writes, offered next to the embedded ones once it exists. */
export const TRAINED_DIGITS = 'trained-digits';

interface Disposable {
  dispose(): Promise<void>;
}

/**
 * The server's pipelines, each created on first use and then kept: loading a model takes longer than running
 * it. Only embedded models (and the one trained here) can be named from HTTP: a path or a hub id from a
 * request would let any caller read the server's files or make it download.
 */
export class Pipelines {
  private readonly loaded = new Map<string, Promise<Disposable>>();
  private trainedDigits: string | undefined;
  /** Replaced models, disposed at close: a request may still be running on one when it is replaced. */
  private readonly retired: Array<Promise<Disposable>> = [];

  private get<T extends Disposable>(key: string, create: () => Promise<T>): Promise<T> {
    let pipeline = this.loaded.get(key);
    if (pipeline === undefined) {
      pipeline = create();
      this.loaded.set(key, pipeline);
      // A model that failed to load is tried again on the next request, not remembered as broken.
      pipeline.catch(() => this.loaded.delete(key));
    }
    return pipeline as Promise<T>;
  }

  /** Image classification models a request may name: the embedded ones, and the digits model trained here. */
  classifierModels(): string[] {
    const embedded = listEmbeddedModels().filter((m) => m.task === 'image-classification').map((m) => m.name);
    return this.trainedDigits === undefined ? embedded : [...embedded, TRAINED_DIGITS];
  }

  classifier(model: string): Promise<Classifier> {
    if (!this.classifierModels().includes(model)) {
      throw new ApiError(404, 'MODEL_NOT_FOUND', `No image classifier '${model}' here; there are: ${this.classifierModels().join(', ')}.`);
    }
    const reference = model === TRAINED_DIGITS ? this.trainedDigits! : model;
    return this.get(`classify:${model}`, () => createClassifier({ model: reference, maxPixels: MAX_PIXELS }));
  }

  detector(): Promise<Detector> {
    return this.get('detect', () => createDetector({ maxPixels: MAX_PIXELS }));
  }

  faces(): Promise<FaceAnalyzer> {
    // Half, not the CLI's 0.3: a demo page should not show a face on the dog in the sample photo (0.41 there).
    return this.get('faces', () => createFaceAnalyzer({ maxPixels: MAX_PIXELS, minConfidence: 0.5 }));
  }

  sentiment(): Promise<TextClassifier> {
    return this.get('sentiment', () => createSentimentAnalyzer());
  }

  /** The default abstractive summarizer (a hub model: offline it fails with MODEL_OFFLINE, and the page says so). */
  summarizer(): Promise<Summarizer> {
    return this.get('summarize', () => createSummarizer());
  }

  /** The embedded digits model, not the default Whisper: the page is about spoken digits, and works offline. */
  transcriber(): Promise<Transcriber> {
    return this.get('transcribe', () => createTranscriber({ model: SPEECH_DIGITS_MODEL }));
  }

  /** A freshly trained digits model replaces the one loaded before. */
  setTrainedDigits(dir: string): void {
    const old = this.loaded.get(`classify:${TRAINED_DIGITS}`);
    if (old !== undefined) this.retired.push(old);
    this.loaded.delete(`classify:${TRAINED_DIGITS}`);
    this.trainedDigits = dir;
  }

  async dispose(): Promise<void> {
    const all = [...this.loaded.values(), ...this.retired.splice(0)];
    this.loaded.clear();
    await Promise.all(all.map((p) => p.then((pipeline) => pipeline.dispose(), () => undefined)));
  }
}
