import type { Page } from './components/dom.js';
import { digitsPage } from './pages/digits.js';
import { speechPage } from './pages/speech.js';
import { textPage } from './pages/text.js';
import { trainPage } from './pages/train.js';
import { visionPage } from './pages/vision.js';

const PAGES: Record<string, Page> = { vision: visionPage, text: textPage, speech: speechPage, digits: digitsPage, train: trainPage };

const main = document.getElementById('page')!;
let unmount: (() => void) | undefined;

/** One page per hash (#/vision, #/text, ...): the server serves one HTML file for all of them. */
function route(): void {
  const name = location.hash.replace(/^#\/?/, '') || 'vision';
  const page = PAGES[name] ?? visionPage;
  unmount?.();
  main.replaceChildren();
  main.dataset.page = name;
  unmount = page(main);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) link.classList.toggle('active', link.hash === `#/${name}`);
}

window.addEventListener('hashchange', route);
route();
