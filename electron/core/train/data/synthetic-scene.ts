/**
 * Synthetic structure for training: brick and tile walls, window facades, grids, straight and
 * curved line bundles and lettering, drawn on a plane seen under a random perspective, as SVG that
 * librsvg renders with exact, antialiased edges (synthetic-render.ts). The photos the model learns
 * from are mostly landscapes; these are the regular edges of buildings, signs and text it sees too
 * rarely there. Every scene is a pure function of its random stream, and the geometry is mapped
 * through the homography vertex by vertex, so straight edges stay exactly straight.
 */

/** A 3x3 homography, row-major: (x, y) -> ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w), w = h6 x + h7 y + 1. */
export type Homography = readonly [number, number, number, number, number, number, number, number];

export interface SyntheticScene {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  /** Which pattern the plane carries, for tests and the data report. */
  readonly kind: SceneKind;
}

export const SCENE_KINDS = ['bricks', 'tiles', 'facade', 'grid', 'lines', 'curves', 'lettering'] as const;
export type SceneKind = (typeof SCENE_KINDS)[number];

type Point = readonly [number, number];

export function mapPoint(h: Homography, [x, y]: Point): Point {
  const w = h[6] * x + h[7] * y + 1;
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

type Matrix3 = readonly number[];

const multiply = (a: Matrix3, b: Matrix3): Matrix3 =>
  Array.from({ length: 9 }, (_, i) => {
    const r = Math.floor(i / 3);
    const c = i % 3;
    return a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c];
  });

/**
 * A plane tilted away from the viewer: rotation, scale and a perspective term about the canvas
 * centre. The perspective is bounded so w stays above 0.2 over the drawn area (three canvas sides
 * across): no point crosses the horizon.
 */
export function randomHomography(random: () => number, side: number): Homography {
  const c = side / 2;
  const angle = (random() - 0.5) * 0.9;
  const scale = 0.7 + random() * 0.8;
  const g = ((random() - 0.5) * 0.3) / side;
  const k = ((random() - 0.5) * 0.3) / side;
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  const toCentre = [1, 0, -c, 0, 1, -c, 0, 0, 1];
  const rotateScale = [cos, -sin, 0, sin, cos, 0, 0, 0, 1];
  const perspective = [1, 0, 0, 0, 1, 0, g, k, 1];
  const back = [1, 0, c, 0, 1, c, 0, 0, 1];
  const m = multiply(back, multiply(perspective, multiply(rotateScale, toCentre)));
  const n = m[8];
  return [m[0] / n, m[1] / n, m[2] / n, m[3] / n, m[4] / n, m[5] / n, m[6] / n, m[7] / n];
}

const hsl = (h: number, s: number, l: number) =>
  `hsl(${Math.round(h) % 360},${Math.round(s * 100)}%,${Math.round(l * 100)}%)`;

/** A colour near a base hue: walls, bricks and tiles vary a little from piece to piece. */
function jitter(random: () => number, h: number, s: number, l: number, amount: number): string {
  return hsl(
    h + (random() - 0.5) * 30 * amount,
    Math.min(1, Math.max(0, s + (random() - 0.5) * amount * 0.3)),
    Math.min(0.95, Math.max(0.05, l + (random() - 0.5) * amount * 0.3)),
  );
}

class SceneBuilder {
  readonly parts: string[] = [];
  constructor(
    private readonly h: Homography,
    readonly side: number,
  ) {}

  /** A polygon in plane coordinates, mapped corner by corner. */
  polygon(points: readonly Point[], fill: string): void {
    const mapped = points.map((p) =>
      mapPoint(this.h, p)
        .map((v) => v.toFixed(2))
        .join(','),
    );
    this.parts.push(`<polygon points="${mapped.join(' ')}" fill="${fill}"/>`);
  }

  rect(x: number, y: number, w: number, h: number, fill: string): void {
    this.polygon(
      [
        [x, y],
        [x + w, y],
        [x + w, y + h],
        [x, y + h],
      ],
      fill,
    );
  }

  /** A stroked path through plane points (curves are sampled finely before mapping). */
  polyline(points: readonly Point[], stroke: string, width: number): void {
    const mapped = points.map((p) =>
      mapPoint(this.h, p)
        .map((v) => v.toFixed(2))
        .join(','),
    );
    this.parts.push(
      `<polyline points="${mapped.join(' ')}" fill="none" stroke="${stroke}" stroke-width="${width.toFixed(2)}" stroke-linejoin="round"/>`,
    );
  }

  /** Text at a plane point, under the homography's local affine map there. */
  text(x: number, y: number, size: number, font: string, fill: string, words: string, bold: boolean): void {
    const [px, py] = mapPoint(this.h, [x, y]);
    const e = 1e-3;
    const [ax, ay] = mapPoint(this.h, [x + e, y]);
    const [bx, by] = mapPoint(this.h, [x, y + e]);
    const m = [(ax - px) / e, (ay - py) / e, (bx - px) / e, (by - py) / e, px, py].map((v) => v.toFixed(4));
    const escaped = words.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    this.parts.push(
      `<text transform="matrix(${m.join(' ')})" font-family="${font}" font-size="${size.toFixed(1)}"${bold ? ' font-weight="bold"' : ''} fill="${fill}">${escaped}</text>`,
    );
  }
}

const FONTS = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Liberation Sans', 'Liberation Serif'];
const WORDS = (
  'OPEN HOTEL Station Bakery 24h EXIT Street Platform 7 Café Museum North Gate Parking Rue ' +
  'Pharmacy Bank Market Library 1890 No. 42 Avenue Bus Stop Tickets Entrance Apartments Halle'
).split(' ');

/** The plane extends a canvas side beyond each edge, so the tilted view never shows its border. */
const reach = (side: number) => ({ lo: -side, hi: 2 * side });

function bricks(b: SceneBuilder, random: () => number): void {
  const { lo, hi } = reach(b.side);
  const hue = 5 + random() * 30;
  const brickH = 8 + random() * 22;
  const brickW = brickH * (1.8 + random() * 1.6);
  const joint = 1 + random() * (brickH / 6);
  b.rect(lo, lo, hi - lo, hi - lo, jitter(random, 40, 0.1, 0.75, 1));
  for (let row = 0, y = lo; y < hi; row++, y += brickH + joint) {
    const offset = row % 2 ? brickW / 2 : 0;
    for (let x = lo - offset; x < hi; x += brickW + joint)
      b.rect(x, y, brickW, brickH, jitter(random, hue, 0.55, 0.38, 1));
  }
}

function tiles(b: SceneBuilder, random: () => number): void {
  const { lo, hi } = reach(b.side);
  const size = 10 + random() * 40;
  const grout = 1 + random() * 4;
  const hue = random() * 360;
  const checker = random() < 0.5;
  b.rect(lo, lo, hi - lo, hi - lo, jitter(random, hue, 0.05, random() < 0.5 ? 0.2 : 0.85, 1));
  for (let i = 0, y = lo; y < hi; i++, y += size + grout)
    for (let j = 0, x = lo; x < hi; j++, x += size + grout) {
      const dark = checker && (i + j) % 2 === 1;
      b.rect(x, y, size, size, jitter(random, hue, 0.4, dark ? 0.25 : 0.7, 0.4));
    }
}

function facade(b: SceneBuilder, random: () => number): void {
  const { lo, hi } = reach(b.side);
  const wallHue = random() * 60;
  b.rect(lo, lo, hi - lo, hi - lo, jitter(random, wallHue, 0.25, 0.6, 1));
  const cellW = 30 + random() * 50;
  const cellH = 40 + random() * 50;
  const winW = cellW * (0.45 + random() * 0.3);
  const winH = cellH * (0.5 + random() * 0.3);
  const frame = 1.5 + random() * 3;
  const glassHue = 190 + random() * 40;
  const frameColour = random() < 0.5 ? '#f4f1ea' : '#2b2b2b';
  for (let y = lo; y < hi; y += cellH) {
    b.rect(lo, y + cellH - 3, hi - lo, 3, jitter(random, wallHue, 0.2, 0.45, 0.5));
    for (let x = lo; x < hi; x += cellW) {
      const wx = x + (cellW - winW) / 2;
      const wy = y + (cellH - winH) / 2;
      b.rect(wx - frame, wy - frame, winW + 2 * frame, winH + 2 * frame, frameColour);
      b.rect(wx, wy, winW, winH, jitter(random, glassHue, 0.3, 0.25 + random() * 0.4, 0.5));
      // Mullions: one vertical, one horizontal bar.
      b.rect(wx + winW / 2 - frame / 2, wy, frame, winH, frameColour);
      b.rect(wx, wy + winH * 0.35, winW, frame, frameColour);
    }
  }
}

function grid(b: SceneBuilder, random: () => number): void {
  const { lo, hi } = reach(b.side);
  const light = random() < 0.6;
  b.rect(lo, lo, hi - lo, hi - lo, jitter(random, random() * 360, 0.2, light ? 0.9 : 0.15, 1));
  const ink = jitter(random, random() * 360, 0.6, light ? 0.3 : 0.8, 1);
  const spacing = 6 + random() * 30;
  const width = 0.6 + random() * 3;
  for (let t = lo; t < hi; t += spacing) {
    b.rect(t, lo, width, hi - lo, ink);
    b.rect(lo, t, hi - lo, width, ink);
  }
}

function lines(b: SceneBuilder, random: () => number): void {
  const { lo, hi } = reach(b.side);
  b.rect(lo, lo, hi - lo, hi - lo, jitter(random, random() * 360, 0.3, 0.5 + random() * 0.4, 1));
  const hue = random() * 360;
  for (let y = lo; y < hi; ) {
    const w = 0.5 + random() * random() * 10;
    b.rect(lo, y, hi - lo, w, jitter(random, hue, 0.6, random() * 0.5, 1));
    y += w + 1 + random() * 12;
  }
}

function curves(b: SceneBuilder, random: () => number): void {
  const { lo, hi } = reach(b.side);
  b.rect(lo, lo, hi - lo, hi - lo, jitter(random, random() * 360, 0.2, 0.85, 1));
  const ink = jitter(random, random() * 360, 0.7, 0.3, 1);
  const width = 0.8 + random() * 3;
  if (random() < 0.5) {
    // Concentric circles about a point near the canvas.
    const cx = b.side * random();
    const cy = b.side * random();
    const step = 4 + random() * 14;
    for (let r = step; r < 2 * b.side; r += step) {
      const n = Math.max(24, Math.ceil(r / 2));
      const points = Array.from({ length: n + 1 }, (_, i): Point => {
        const a = (2 * Math.PI * i) / n;
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      });
      b.polyline(points, ink, width);
    }
  } else {
    // Waves: parallel sines.
    const amplitude = 3 + random() * 20;
    const period = 20 + random() * 80;
    const step = 5 + random() * 15;
    for (let y = lo; y < hi; y += step) {
      const points: Point[] = [];
      for (let x = lo; x <= hi; x += 3)
        points.push([x, y + amplitude * Math.sin((2 * Math.PI * x) / period)]);
      b.polyline(points, ink, width);
    }
  }
}

function lettering(b: SceneBuilder, random: () => number): void {
  const { lo, hi } = reach(b.side);
  const paperLight = random() < 0.6;
  b.rect(lo, lo, hi - lo, hi - lo, jitter(random, random() * 360, 0.3, paperLight ? 0.9 : 0.15, 1));
  const ink = jitter(random, random() * 360, 0.7, paperLight ? 0.2 : 0.9, 1);
  const font = FONTS[Math.floor(random() * FONTS.length)];
  const size = 8 + random() * 40;
  const bold = random() < 0.4;
  for (let y = -b.side / 2; y < 1.5 * b.side; y += size * (1.2 + random() * 0.6)) {
    const words = Array.from({ length: 6 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
    b.text(-b.side / 2 + random() * size, y, size, font, ink, words, bold);
  }
}

const DRAW: Record<SceneKind, (b: SceneBuilder, random: () => number) => void> = {
  bricks,
  tiles,
  facade,
  grid,
  lines,
  curves,
  lettering,
};

/**
 * One scene of `side` x `side` pixels: a pattern on a tilted plane, and for some a sign with
 * lettering on top (on a second, flatter plane), as a sign hangs on a wall.
 */
export function synthesiseScene(random: () => number, side: number): SyntheticScene {
  const kind = SCENE_KINDS[Math.floor(random() * SCENE_KINDS.length)];
  const builder = new SceneBuilder(randomHomography(random, side), side);
  DRAW[kind](builder, random);
  if (kind !== 'lettering' && random() < 0.3) {
    const sign = new SceneBuilder(randomHomography(random, side), side);
    const w = side * (0.3 + random() * 0.4);
    const h = side * (0.1 + random() * 0.1);
    const x = side * random() * 0.5;
    const y = side * random() * 0.8;
    const dark = random() < 0.5;
    sign.rect(x, y, w, h, jitter(random, random() * 360, 0.6, dark ? 0.2 : 0.9, 1));
    const word = WORDS[Math.floor(random() * WORDS.length)];
    const font = FONTS[Math.floor(random() * FONTS.length)];
    sign.text(x + h * 0.2, y + h * 0.75, h * 0.6, font, dark ? '#f5f5f5' : '#141414', word, true);
    builder.parts.push(...sign.parts);
  }
  return {
    kind,
    width: side,
    height: side,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">${builder.parts.join('')}</svg>`,
  };
}
