export interface Series {
  label: string;
  colour: string;
  /** Draw as dots (epoch figures) instead of a line (step figures). */
  dots?: boolean;
}

/**
 * A small line chart on a canvas, redrawn at most once a frame however fast points arrive. Enough for a
 * training curve; not a charting library.
 */
export class LineChart {
  private readonly points = new Map<string, Array<[number, number]>>();
  private xMax = 1;
  private frame = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly series: readonly Series[],
    private readonly y: { label: string; max?: number },
  ) {
    for (const s of series) this.points.set(s.label, []);
    this.schedule();
  }

  setXMax(xMax: number): void {
    this.xMax = Math.max(1, xMax);
    this.schedule();
  }

  add(series: string, x: number, y: number): void {
    if (!Number.isFinite(y)) return;
    this.points.get(series)?.push([x, y]);
    this.schedule();
  }

  clear(): void {
    for (const list of this.points.values()) list.length = 0;
    this.schedule();
  }

  count(series: string): number {
    return this.points.get(series)?.length ?? 0;
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    this.frame = 0;
    const ctx = this.canvas.getContext('2d')!;
    const { width, height } = this.canvas;
    const pad = { left: 44, right: 12, top: 22, bottom: 22 };
    let yMax = this.y.max ?? 0;
    if (this.y.max === undefined) for (const list of this.points.values()) for (const [, y] of list) yMax = Math.max(yMax, y);
    yMax = yMax > 0 ? yMax * (this.y.max === undefined ? 1.05 : 1) : 1;
    const px = (x: number) => pad.left + (x / this.xMax) * (width - pad.left - pad.right);
    const py = (y: number) => height - pad.bottom - (y / yMax) * (height - pad.top - pad.bottom);

    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#d8dde3';
    ctx.fillStyle = '#5b6570';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = (yMax * i) / 4;
      ctx.beginPath();
      ctx.moveTo(pad.left, py(y));
      ctx.lineTo(width - pad.right, py(y));
      ctx.stroke();
      ctx.fillText(y.toFixed(yMax < 2 ? 2 : 1), 4, py(y) + 4);
    }
    ctx.fillText(this.y.label, pad.left, 14);
    ctx.fillText('step', width - pad.right - 24, height - 6);

    let legendX = pad.left + ctx.measureText(this.y.label).width + 16;
    for (const s of this.series) {
      const list = this.points.get(s.label)!;
      ctx.strokeStyle = ctx.fillStyle = s.colour;
      ctx.lineWidth = 1.5;
      if (s.dots) {
        for (const [x, y] of list) {
          ctx.beginPath();
          ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
          ctx.fill();
        }
      } else if (list.length > 0) {
        ctx.beginPath();
        list.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
        ctx.stroke();
      }
      ctx.fillRect(legendX, 7, 10, 8);
      ctx.fillStyle = '#1d2530';
      ctx.fillText(s.label, legendX + 14, 14);
      legendX += ctx.measureText(s.label).width + 30;
    }
  }
}
