import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { confusionMatrixPng, confusionMatrixSvg } from './confusion-matrix.js';
import { curvesPng } from './curves.js';

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * 3;
    return [data[i]!, data[i + 1]!, data[i + 2]!];
  };
  return { info, at, data };
}

/** Pixels that are not near-white: something was drawn there. */
function inked(data: Buffer, from = 0, to = data.length): number {
  let n = 0;
  for (let i = from; i < to; i += 3) if (data[i]! + data[i + 1]! + data[i + 2]! < 600) n++;
  return n;
}

describe('figures drawn as SVG and rendered by sharp, offline', () => {
  const classes = ['cat', 'dog', 'a-rather-long-class-name-indeed'];
  const confusion = [
    [9, 1, 0],
    [2, 6, 2],
    [0, 0, 5],
  ];

  it('confusion_matrix.png decodes, has the SVG size, cells coloured by their row share, and text drawn', async () => {
    const svg = confusionMatrixSvg(classes, confusion);
    const [width, height] = [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];
    const { info, at, data } = await pixels(await confusionMatrixPng(classes, confusion));
    expect([info.width, info.height]).toEqual([width, height]);
    const cells = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"[^>]*stroke="#d0d0d0"/g)].map((m) => m.slice(1).map(Number));
    expect(cells).toHaveLength(9);
    // A corner of each cell (clear of its count): full rows darker than empty cells, 9/10 darker than 6/10.
    const colour = (t: number, p: number) => {
      const [x, y] = cells[t * 3 + p]!;
      return at(x! + 3, y! + 3);
    };
    const darkness = (c: number[]) => 765 - c.reduce((a, b) => a + b, 0);
    expect(darkness(colour(2, 2))).toBeGreaterThan(darkness(colour(0, 0)));
    expect(darkness(colour(0, 0))).toBeGreaterThan(darkness(colour(1, 1)));
    expect(darkness(colour(1, 1))).toBeGreaterThan(darkness(colour(0, 1)));
    expect(colour(0, 2)).toEqual(colour(2, 0)); // both empty
    // Class names left of the matrix: the font resolved (no network), the labels are ink, not blank.
    const [mx] = cells[0]!;
    let labelInk = 0;
    for (let y = 0; y < info.height; y++) labelInk += inked(data, (y * info.width) * 3, (y * info.width + Math.floor(mx! - 8)) * 3);
    expect(labelInk).toBeGreaterThan(200);
  });

  it('escapes class names and shortens long ones in the SVG', () => {
    const svg = confusionMatrixSvg(['<b>&"', 'x'.repeat(40)], [
      [1, 0],
      [0, 1],
    ]);
    expect(svg).toContain('&#60;b&#62;&#38;&#34;');
    expect(svg).not.toContain('x'.repeat(19));
  });

  it('curves.png draws loss and accuracy panels for a history, the loss alone without accuracy', async () => {
    const history = [1, 2, 3, 4].map((e) => ({ epoch: e - 1, loss: 1 / e, accuracy: 0.5 + e / 10, val_loss: 1.2 / e, val_accuracy: 0.45 + e / 10 }));
    const both = await pixels((await curvesPng(history))!);
    expect([both.info.width, both.info.height]).toEqual([880, 300]);
    // Each panel has lines drawn in it (blue train, orange validation).
    const half = both.info.width / 2;
    let [blueLeft, orangeRight] = [0, 0];
    for (let y = 40; y < 250; y++) {
      for (let x = 60; x < half - 20; x++) {
        const [r, g, b] = both.at(x, y);
        if (b! > 150 && r! < 80) blueLeft++;
        const [r2, g2, b2] = both.at(x + half, y);
        if (r2! > 200 && g2! > 100 && g2! < 160 && b2! < 60) orangeRight++;
      }
    }
    expect(blueLeft).toBeGreaterThan(50);
    expect(orangeRight).toBeGreaterThan(30);
    const lossOnly = await pixels((await curvesPng(history.map(({ epoch, loss }) => ({ epoch, loss }) as never)))!);
    expect(lossOnly.info.width).toBe(440);
    expect(await curvesPng([{ epoch: 0, loss: Number.NaN, accuracy: 0 }])).toBeUndefined();
  });
});
