import { ApiFailure, postJson, type Label, type Result, type Row } from '../api.js';
import { renderBars } from '../components/bars.js';
import { h, type Page } from '../components/dom.js';
import { errorBox, showError } from '../components/error-box.js';

const EXAMPLE = `The leads are funny and warm, and the action scenes are genuinely thrilling. The middle act drags, and one subplot goes nowhere. But the ending is moving and beautifully shot, and the score stays with you for days. One of the best films of the year.`;

const tagFor = (best: Label) => h('span', { className: `tag ${best.label.toLowerCase()}` }, `${best.label} ${(best.score * 100).toFixed(0)}%`);

/** Sentiment as you type (after a short pause), and an extractive summary on demand. */
export const textPage: Page = (root) => {
  const error = errorBox();
  const input = h('textarea', { id: 'text-input', rows: 8, placeholder: 'Type or paste some English text…' });
  const sentiment = h('ol', { id: 'sentiment', className: 'bars' });
  const bySentence = h('ul', { id: 'sentence-sentiment', className: 'plain sentences' });
  const sentences = h('select', { id: 'summary-sentences' }, ...[1, 2, 3, 4, 5].map((n) => h('option', { value: String(n), selected: n === 2 }, `${n}`)));
  const summary = h('p', { id: 'summary', className: 'summary' });
  let timer = 0;
  let latest = 0;

  async function analyse(): Promise<void> {
    const text = input.value;
    const mine = ++latest;
    if (text.trim() === '') {
      sentiment.replaceChildren();
      bySentence.replaceChildren();
      return;
    }
    // The whole text and each of its sentences in one request: a mixed review shows where it turns.
    const sentences = [...new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text)].map((s) => s.segment.trim()).filter(Boolean);
    try {
      // topK 2: both labels, so the bars show how sure it is.
      const [whole, ...parts] = await postJson<Array<Row<Label[]>>>('/api/nlp/sentiment', { texts: [text, ...(sentences.length > 1 ? sentences : [])], topK: 2 });
      if (mine !== latest || whole === undefined) return;
      if ('error' in whole) throw new ApiFailure(200, whole.error.code, whole.error.message);
      showError(error, undefined);
      renderBars(sentiment, whole.output);
      bySentence.replaceChildren(
        ...parts.map((part, i) => {
          // A sentence the model cannot read (no words it knows) fails alone; the others are still shown.
          const tag = 'error' in part ? h('span', { className: 'tag', title: part.error.message }, '?') : tagFor(part.output[0]!);
          return h('li', {}, tag, ' ', sentences[i]!);
        }),
      );
    } catch (failure) {
      if (mine === latest) showError(error, failure);
    }
  }

  async function summarize(): Promise<void> {
    summary.textContent = '…';
    try {
      const result = await postJson<Result<[{ summary_text: string }]>>('/api/nlp/summarize', { text: input.value, model: 'textrank', sentences: Number(sentences.value) });
      showError(error, undefined);
      summary.textContent = result.output[0].summary_text;
    } catch (failure) {
      summary.textContent = '';
      showError(error, failure);
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void analyse(), 300);
  });

  root.append(
    h('h1', {}, 'Text'),
    h('p', { className: 'muted' }, 'Sentiment with the embedded model trained by dlkit on movie-review sentences (CNN + n-grams, 80% on held-out reviews; plain statements of fact get a weak guess), for the whole text and each sentence; a summary by TextRank. Both offline.'),
    input,
    h(
      'p',
      {},
      h('button', { type: 'button', className: 'link', onclick: () => ((input.value = EXAMPLE), void analyse()) }, 'Try an example'),
    ),
    error,
    h(
      'div',
      { className: 'columns' },
      h('div', {}, h('h2', {}, 'Sentiment'), sentiment, bySentence),
      h(
        'div',
        {},
        h('h2', {}, 'Summary'),
        h('p', {}, h('label', {}, 'Sentences ', sentences), ' ', h('button', { type: 'button', id: 'summarize', onclick: () => void summarize() }, 'Summarize')),
        summary,
      ),
    ),
  );
  return () => clearTimeout(timer);
};
