import sharp from 'sharp';

// Density 72: one SVG unit is one pixel. Figures are drawn as SVG and rasterised by sharp (librsvg), which the CLI already ships for images: no canvas
// module, and no web fonts: a generic family resolves to whatever fontconfig has, offline.
export const FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"';

/** Text as it may stand in SVG character data or an attribute. */
export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A label cut to `max` characters (an ellipsis says so): a long class name must not push the figure apart. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A number for an axis tick: few digits, no float noise. */
export function tick(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** The SVG as a PNG on a white background (SVG leaves the unpainted area transparent). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' }).png().toBuffer();
}
