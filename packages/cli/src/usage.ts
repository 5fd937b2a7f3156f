// Kept free of imports so that `dl --help` starts without loading any runtime.
export const USAGE = `dl: deep learning from the command line, offline by default

Usage: dl <command> [options]

Images: files, directories (recursive), globs, http(s) URLs, or - for standard input; every vision command
takes --max-pixels N (default 100000000): larger images are refused as INPUT_TOO_LARGE.

Commands:
  vision classify <images...>   Top-k labels for each image (embedded MobileNetV2, ImageNet-1k)
      --topk N                  labels per image (default 5)
      --model NAME|DIR|ID       embedded (mobilenetv2, digits), a model folder, or a hub id
                                (Xenova/vit-base-patch16-224) run by transformers.js
      --threads N               onnxruntime threads
  vision detect <images...>     Objects (COCO, 80 classes) with boxes in image pixels (embedded CenterNet)
      --threshold F --iou F     lowest score kept (0.3); overlap that suppresses a box of the same class (0.5)
                                (boxes of different labels overlapping more than 0.7 are one object: the
                                better label is kept)
      --agnostic                suppress across labels too, at --iou
      --model NAME|DIR|ID       centernet, a model folder, or a hub DETR/YOLOS id (Xenova/detr-resnet-50)
                                run by transformers.js (downloaded once; larger and slower)
      --classes a,b  --max N    keep only these labels (any case; checked against the model's); at most N
                                per image (100)
      --out FILE|DIR            write annotated images (a file for one image, a folder for several)
      --skip-existing           with --out: leave inputs whose output is already there (a rerun goes on)
  vision faces <images...>      Faces: boxes, 68 landmarks, age, gender, expression (embedded face-api)
      --match FILE              also say whether each image shows the same person as FILE
      --min-confidence N        lowest face score kept, 0-1 (default 0.5)
      --out FILE|DIR            write each image with its faces boxed (#1 is the largest)
  vision fine-tune <dir>        Train a classifier on your photos (<dir>/<class>/*.jpg) on the embedded
                                Darknet backbone; the result loads with vision classify --model DIR
      --out DIR  --val DIR      model folder (required); validation folder (default: 20% of <dir>)
      --epochs N --size N       head training epochs (30); input side in pixels (160)
  train digits                  Train the handwritten-digits CNN (the embedded \`digits\` model)
      --data DIR                JSON digits (0.json..9.json) or MNIST IDX files
                                (default ../shared/data/mnist/cazala-json)
  train sentiment               Train the sentiment model (the embedded \`sentiment\`) on rt-polarity
      --data DIR --vectors FILE rt-polarity.pos/.neg (default ../shared/data/rt-polarity); GloVe-format or
                                wink JSON word vectors to start the embeddings from (pnpm train:sentiment)
  train <config.json>           Train a classifier on your own image folders, CSV or JSONL (see README)
      --epochs N  --batch-size N  --seed N   override the recipe or config
      --out DIR                 save the trained model there (dlkit.json + tfjs files)
      --checkpoint DIR          checkpoint every epoch and on Ctrl-C (default <out>.checkpoint)
      --resume DIR              continue from a checkpoint, to the same result as an uninterrupted run
      --log FILE                per-epoch figures as JSONL or CSV
      --workers N               threads computing gradients (digits: 2; configs: 1)
  nlp sentiment <files...|->    POSITIVE/NEGATIVE for each line (or --whole-file, or --column of CSV/JSONL)
      --text "..."              score this text (repeatable); --all-scores: every label
      --model NAME|DIR|ID       embedded sentiment (default, offline), a folder from nlp fine-tune, or a
                                transformers.js text-classification model (hub id or folder)
  nlp classify --model ID <files...|->   The same with any text classifier (--model required)
  nlp fine-tune <file.csv|.jsonl>   Train a text classifier on your labelled texts (any number of classes),
                                starting from the embedded sentiment model; loads with --model DIR
      --text-column C --label-column C --out DIR   (all required)
      --base NAME|DIR|none      model to start from (sentiment); --vectors FILE with --base none
      --epochs N --seed N       CNN epochs (6; the n-gram part gets 2/3 of them); seed (42)
  nlp summarize <files...|->    One summary per file (or per CSV/JSONL row with --column NAME)
      --method M                abstractive (default; transformers.js, Xenova/distilbart-cnn-6-6 or --model,
                                fetched from the hub and cached on first use; offline: dl models pull it first)
                                or extractive (TextRank over the document's sentences, offline)
      --sentences N --ratio R   extractive: how many sentences to keep (3), or what fraction
      --max-length N --min-length N --beams N   abstractive generation (142, 30, 1 = greedy)
  speech transcribe <audio...>  Transcript with timestamps: Whisper by transformers.js in 30 s windows
                                (default onnx-community/whisper-tiny.en, fetched from the hub and cached on
                                first use; offline: dl models pull it first), or --model speech-digits
                                (embedded, offline: Silero VAD + a digit recognizer, "four one five")
      --format F                text (default), json ({text, chunks}), srt or vtt
      --out FILE|DIR            write there (a file for one input, a folder for several)
      --skip-existing           with --out: leave inputs whose output is already there (a rerun goes on)
      --language L --task T     Whisper only: spoken language; transcribe or translate (to English)
      --max-seconds N           longest audio taken (default 14400: 4 h; a header declaring more is refused)
                                Audio: WAV read directly (any bit depth, rate, channels); MP3, OGG, FLAC, M4A,
                                WebM through ffmpeg (on the PATH, DL_FFMPEG, or npm @ffmpeg-installer/ffmpeg)
  speech vad <audio...>         Speech segments (start-end, seconds) by Silero VAD (--max-seconds N, as above)
  batch <task> <inputs...>      Run a task over many inputs on every core: one JSON line per input in --out
                                (tasks: classify, detect, faces, sentiment, summarize-extractive, transcribe;
                                inputs: files, folders, globs, URLs; text tasks read .txt/.md files whole)
      --out FILE                results, {"input","output"} or {"input","error"} per line (required)
      --workers N               threads, each with its own models (default: one per core)
      --threads N               classify: onnxruntime threads per worker (default: cores / workers)
      --list FILE               also the inputs listed in FILE, one per line (- for standard input)
      --skip-existing           go on with an existing --out: inputs already in it are left alone
      --retry-errors            go on with an existing --out and run its failed inputs again
      --model --topk --threshold --sentences --max-pixels   the task's options, as in its own command
      --queue redis://HOST:PORT queue the inputs as BullMQ jobs for dl worker on any number of machines
                                (inputs as absolute paths or URLs they can reach) and write their results
                                to --out as they finish; run again to go on after an interruption
      --status                  with --queue: how far the batch (or, without inputs, the queue) has got
      --queue-name NAME         the queue (default dlkit); --attempts N: tries per job (3)
  worker --queue redis://HOST:PORT   Process dl batch --queue jobs until Ctrl-C or SIGTERM
      --concurrency N           threads, each with its own models and two jobs at a time (default: one
                                per core)
      --lock-ms N               a killed worker's jobs go to another worker after about 2N ms (30000)
      --allow-dir DIR           read inputs only under DIR (repeatable; checked on the real path, so links
                                and .. cannot leave it); a worker needs this or --allow-host
      --allow-host HOST[:PORT]  fetch URL inputs only from HOST (repeatable; default: no URLs)
      --model NAME|TASK=NAME    models jobs may ask for (repeatable; default: only the tasks' own)
  models list                   Models shipped with dlkit
  models pull <org/name> --task T   Download a Hugging Face hub model (transformers.js) into DL_CACHE
                                for offline use (resumable, each file checked against the hub's hash);
                                then --model org/name works with DL_OFFLINE=1. --dtype q8|fp16|...: weights
                                variant (default fp32)
  doctor                        Backends, versions, cache and offline settings, and why each was chosen

Options for every command:
  --json                        one JSON object per line on stdout: {"input": ..., "output": ...}
  --backend NAME                force a tfjs backend: node-gpu, node, wasm or cpu (or DL_BACKEND)
  -h, --help                    this help
  -v, --version                 the version

Environment: DL_BACKEND, DL_CACHE (default ~/.cache/dlkit), DL_OFFLINE=1, DL_DEBUG=1 (stack traces),
DL_HUB_ENDPOINT or HF_ENDPOINT (a hub mirror; default https://huggingface.co)
`;

/** The part of USAGE about one command (all its entries: `train` has several), under the options every command takes. */
export function commandUsage(name: string): string {
  const lines = USAGE.split('\n');
  const blocks: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    if (/^ {2}\S/.test(line)) inBlock = line.startsWith(`  ${name} `) || line === `  ${name}`;
    else if (!/^ {3}/.test(line)) inBlock = false;
    if (inBlock) blocks.push(line);
  }
  const common = USAGE.slice(USAGE.indexOf('Options for every command:'));
  return `Usage: dl ${name} [options]\n\n${blocks.join('\n')}\n\n${common}`;
}
