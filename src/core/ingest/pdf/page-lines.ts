// Rebuilds a page's lines in reading order from positioned text runs: runs that share a baseline
// form a line, wide horizontal gaps split it into fragments, and a vertical gutter that fragments do
// not cross makes the page read column by column (left column, then right) between full-width lines.
import { MappedTextBuilder, type MappedText } from "./mapped-text";
import type { TextRun } from "./text-runs";

export interface PageLine extends MappedText {
  x0: number;
  x1: number;
  /** Baseline (PDF user space, grows upwards). */
  y: number;
  size: number;
  /** Lines of one flow follow each other on the page; a new flow starts at a column switch or at a
   *  full-width line between column bands. */
  flow: number;
  /** Among the page's outermost baselines: a candidate for a running header or footer. */
  edge: "top" | "bottom" | null;
  /** Rotated or vertical text (e.g. an arXiv stamp in the margin), kept after the page body. */
  rotated: boolean;
}

interface Cluster {
  y: number;
  size: number;
  ref: TextRun;
  runs: TextRun[];
}

interface Fragment {
  runs: TextRun[];
  /** Characters of text (not blanks), to weigh fragments by how much they say. */
  chars: number;
  x0: number;
  x1: number;
}

/** Baselines closer than this fraction of the font size are one line (sub/superscripts included). */
const SAME_LINE = 0.45;
/** A horizontal gap wider than this many font sizes separates fragments (column gutters, table cells). */
const FRAGMENT_GAP = 0.6;
/** A gap wider than this fraction of the font size between runs is a space. */
const SPACE_GAP = 0.12;
/** How many baselines at the top and at the bottom may hold running headers, footers, page numbers. */
const EDGE_LINES = 2;

export function layoutPage(runs: TextRun[]): PageLine[] {
  const horizontal = runs.filter((r) => r.horizontal);
  const clusters = clusterBaselines(horizontal);
  const fragmented = clusters.map((c) => splitFragments(c));
  const gutter = findGutter(fragmented.flat());
  const lines: PageLine[] = [];
  let flow = 0;
  let band: { left: PageLine[]; right: PageLine[] } = { left: [], right: [] };
  let inFullFlow = false;

  const flushBand = () => {
    if (band.left.length === 0 && band.right.length === 0) return;
    for (const side of [band.left, band.right]) {
      if (side.length === 0) continue;
      flow++;
      for (const line of side) lines.push({ ...line, flow });
    }
    band = { left: [], right: [] };
  };

  const edges = edgeCandidates(clusters);
  clusters.forEach((cluster, ci) => {
    const edge = edges[ci];
    const frags = fragmented[ci];
    if (gutter === null) {
      lines.push(makeLine(cluster, frags, 0, edge));
      return;
    }
    const sides = frags.map((f) => sideOf(f, gutter));
    if (sides.includes("span")) {
      flushBand();
      if (!inFullFlow) flow++;
      inFullFlow = true;
      lines.push(makeLine(cluster, frags, flow, edge));
      return;
    }
    inFullFlow = false;
    const left = frags.filter((_, i) => sides[i] === "left");
    const right = frags.filter((_, i) => sides[i] === "right");
    if (left.length > 0) band.left.push(makeLine(cluster, left, 0, edge));
    if (right.length > 0) band.right.push(makeLine(cluster, right, 0, edge));
  });
  flushBand();

  const rotated = runs.filter((r) => !r.horizontal);
  if (rotated.length > 0) {
    flow++;
    let group: TextRun[] = [];
    const flushGroup = () => {
      if (group.length === 0) return;
      const b = new MappedTextBuilder();
      for (const r of group) b.item(r.str, r.index);
      const text = b.build();
      if (text.text.length > 0) {
        lines.push({ ...text, x0: group[0].x0, x1: group[0].x1, y: group[0].y, size: group[0].size, flow, edge: null, rotated: true });
      }
      group = [];
    };
    for (const r of rotated) {
      group.push(r);
      if (r.hasEOL) flushGroup();
    }
    flushGroup();
  }
  return lines.filter((l) => l.text.length > 0);
}

/** Outermost baselines set apart from the body (wider gap or other type size): a body line that
 *  merely happens to be the page's last is not a footer candidate, even if it repeats. */
function edgeCandidates(clusters: Cluster[]): Array<PageLine["edge"]> {
  const n = clusters.length;
  const edges: Array<PageLine["edge"]> = new Array<PageLine["edge"]>(n).fill(null);
  const detached = (a: Cluster, b: Cluster) =>
    Math.abs(a.y - b.y) > 1.6 * Math.max(a.size, b.size) || Math.abs(a.size - b.size) > 0.15 * Math.max(a.size, b.size);
  for (let ci = Math.min(EDGE_LINES, n) - 1; ci >= 0; ci--) {
    const inward = clusters[ci + 1];
    if (!inward || detached(clusters[ci], inward) || edges[ci + 1] === "top") edges[ci] = "top";
  }
  for (let ci = Math.max(n - EDGE_LINES, 0); ci < n; ci++) {
    if (edges[ci]) continue;
    const inward = clusters[ci - 1];
    if (!inward || detached(clusters[ci], inward) || (ci - 1 >= n - EDGE_LINES && edges[ci - 1] === "bottom")) edges[ci] = "bottom";
  }
  return edges;
}

function clusterBaselines(runs: TextRun[]): Cluster[] {
  const sorted = runs.slice().sort((a, b) => b.y - a.y || a.index - b.index);
  const clusters: Cluster[] = [];
  let current: Cluster | null = null;
  for (const r of sorted) {
    if (current && Math.abs(r.y - current.y) <= SAME_LINE * Math.max(current.size, r.blank ? 0 : r.size)) {
      current.runs.push(r);
      // The line's baseline and size are its largest text's, so superscripts never drag it.
      if (!r.blank && (current.ref.blank || r.size > current.ref.size * 1.05 ||
          (Math.abs(r.size - current.ref.size) <= current.ref.size * 0.05 && r.str.length > current.ref.str.length))) {
        current.ref = r;
        current.y = r.y;
        current.size = r.size;
      }
      continue;
    }
    current = { y: r.y, size: r.size, ref: r, runs: [r] };
    clusters.push(current);
  }
  // A cluster of blanks only carries nothing to read.
  return clusters.filter((c) => c.runs.some((r) => !r.blank));
}

function splitFragments(cluster: Cluster): Fragment[] {
  const runs = cluster.runs.slice().sort((a, b) => a.x0 - b.x0 || a.index - b.index);
  const frags: Fragment[] = [];
  let frag: Fragment | null = null;
  for (const r of runs) {
    if (r.blank) {
      frag?.runs.push(r);
      continue;
    }
    // Text drawn twice at one spot (fake bold, shadows) is read once.
    const prev = frag?.runs[frag.runs.length - 1];
    if (prev && !prev.blank && prev.str === r.str && Math.abs(prev.x0 - r.x0) < 1 && Math.abs(prev.y - r.y) < 1) continue;
    if (!frag || r.x0 - frag.x1 > FRAGMENT_GAP * cluster.size) {
      frag = { runs: [r], x0: r.x0, x1: r.x1, chars: r.str.length };
      frags.push(frag);
    } else {
      frag.runs.push(r);
      frag.x1 = Math.max(frag.x1, r.x1);
      frag.chars += r.str.length;
    }
  }
  return frags;
}

function findGutter(frags: Fragment[]): number | null {
  if (frags.length < 8) return null;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const f of frags) {
    minX = Math.min(minX, f.x0);
    maxX = Math.max(maxX, f.x1);
  }
  const width = maxX - minX;
  if (!(width > 50)) return null;
  let bestCount = Infinity;
  let bestStart = 0;
  let bestLen = 0;
  let runStart = 0;
  let runLen = 0;
  for (let x = Math.ceil(minX + 0.3 * width); x <= minX + 0.7 * width; x++) {
    let count = 0;
    for (const f of frags) if (f.x0 < x - 0.5 && f.x1 > x + 0.5) count++;
    if (count < bestCount) {
      bestCount = count;
      runStart = x;
      runLen = 1;
      bestStart = x;
      bestLen = 1;
    } else if (count === bestCount) {
      if (runLen > 0 && x === runStart + runLen) runLen++;
      else {
        runStart = x;
        runLen = 1;
      }
      if (runLen > bestLen) {
        bestStart = runStart;
        bestLen = runLen;
      }
    } else {
      runLen = 0;
    }
  }
  if (!Number.isFinite(bestCount)) return null;
  const gutter = bestStart + (bestLen - 1) / 2;
  const leftWidth = gutter - minX;
  const rightWidth = maxX - gutter;
  // Columns are full of lines nearly as wide as the column; table cells and labels are not.
  const longLeft = frags.filter((f) => f.x1 <= gutter && f.x1 - f.x0 >= 0.6 * leftWidth);
  const longRight = frags.filter((f) => f.x0 >= gutter && f.x1 - f.x0 >= 0.6 * rightWidth);
  if (longLeft.length < 3 || longRight.length < 3) return null;
  // Most of a two-column page's text is in column lines; a table inside single-column text is not.
  const chars = (list: Fragment[]) => list.reduce((n, f) => n + f.chars, 0);
  if ((chars(longLeft) + chars(longRight)) * 5 < chars(frags) * 2) return null;
  const sideCount = frags.filter((f) => f.x1 <= gutter || f.x0 >= gutter).length;
  if (bestCount * 2 > sideCount) return null;
  return gutter;
}

function sideOf(f: Fragment, gutter: number): "left" | "right" | "span" {
  if (f.x1 <= gutter + 1) return "left";
  if (f.x0 >= gutter - 1) return "right";
  const overLeft = gutter - f.x0;
  const overRight = f.x1 - gutter;
  // A fragment that merely pokes across the gutter (a long formula) belongs to its column.
  if (overLeft > 3 * overRight) return "left";
  if (overRight > 3 * overLeft) return "right";
  return "span";
}

function makeLine(cluster: Cluster, frags: Fragment[], flow: number, edge: PageLine["edge"]): PageLine {
  const b = new MappedTextBuilder();
  let prevEnd: number | null = null;
  for (const f of frags) {
    for (const r of f.runs) {
      if (!r.blank && prevEnd !== null && r.x0 - prevEnd > SPACE_GAP * cluster.size) b.space();
      b.item(r.str, r.index);
      if (!r.blank) prevEnd = prevEnd === null ? r.x1 : Math.max(prevEnd, r.x1);
    }
  }
  const text = b.build();
  return {
    ...text,
    x0: frags[0]?.x0 ?? 0,
    x1: frags.length > 0 ? Math.max(...frags.map((f) => f.x1)) : 0,
    y: cluster.y,
    size: cluster.size,
    flow,
    edge,
    rotated: false,
  };
}
