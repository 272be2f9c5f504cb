// Layered layout with dagre, block by block from the inside out: a Parallel's branches and a
// Map's item processor are laid out first, and the group becomes one large node of its
// parent's layout (dagre's own clusters do not route edges into groups well). Every
// position is relative to the block that holds it.
import dagre from "@dagrejs/dagre";
import type { EdgeKind, GraphBlock, GraphNode } from "./model";

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  node: GraphNode;
  /** Top-left corner and size, within the block. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** A group's blocks, placed within the group's box. */
  blocks?: PlacedBlock[];
}

export interface PlacedEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
  points: Point[];
  labelAt?: Point;
}

export interface PlacedBlock {
  x: number;
  y: number;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export const NODE_HEIGHT = 44;
export const TERMINAL = { width: 76, height: 30 };
export const GROUP_HEADER = 30;
export const GROUP_PAD = 14;
export const BRANCH_GAP = 18;
const MARGIN = 12;

/** A fair width for text at the console's 13px sans-serif (no DOM needed, so it is testable). */
export function textWidth(text: string, px = 13): number {
  let w = 0;
  for (const ch of text) w += /[A-Z]/.test(ch) ? 0.68 : /[a-z0-9]/.test(ch) ? 0.56 : /[\s.,:;|!'il]/.test(ch) ? 0.3 : 0.62;
  return w * px;
}

export function layout(block: GraphBlock): PlacedBlock {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 36, ranksep: 46, edgesep: 14, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const placed = new Map<string, PlacedNode>();
  for (const node of block.nodes) {
    const p = size(node);
    placed.set(node.id, p);
    g.setNode(node.id, { width: p.width, height: p.height });
  }
  block.edges.forEach((e, i) => {
    const label = e.label ? { width: textWidth(e.label, 11) + 10, height: 16, labelpos: "c" as const } : {};
    // Catch edges and edges back up a loop should not pull the main path out of line.
    g.setEdge(e.from, e.to, { ...label, weight: e.kind === "catch" ? 1 : 2, minlen: 1 }, `e${i}`);
  });
  dagre.layout(g);
  for (const [id, p] of placed) {
    const n = g.node(id);
    p.x = (n.x ?? 0) - p.width / 2;
    p.y = (n.y ?? 0) - p.height / 2;
  }
  const edges: PlacedEdge[] = block.edges.map((e, i) => {
    const d = g.edge({ v: e.from, w: e.to, name: `e${i}` });
    return {
      ...e,
      points: (d?.points ?? []).map((p: Point) => ({ x: p.x, y: p.y })),
      labelAt: e.label && d?.x !== undefined && d?.y !== undefined ? { x: d.x, y: d.y } : undefined,
    };
  });
  const graph = g.graph();
  return {
    x: 0,
    y: 0,
    width: Math.max(graph.width ?? 0, 2 * MARGIN),
    height: Math.max(graph.height ?? 0, 2 * MARGIN),
    nodes: [...placed.values()],
    edges,
  };
}

function size(node: GraphNode): PlacedNode {
  if (node.kind === "start" || node.kind === "end") return { node, x: 0, y: 0, ...TERMINAL };
  const title = textWidth(node.name ?? "", 13) + (node.retries ? 40 : 0) + 28;
  if (node.kind === "group" && node.blocks) {
    const blocks = node.blocks.map(layout);
    let x = GROUP_PAD;
    let height = 0;
    for (const b of blocks) {
      b.x = x;
      b.y = GROUP_HEADER + GROUP_PAD / 2;
      x += b.width + BRANCH_GAP;
      height = Math.max(height, b.height);
    }
    const inner = x - BRANCH_GAP + GROUP_PAD;
    const width = Math.max(inner, title + 60, 160);
    for (const b of blocks) b.x += (width - inner) / 2;
    return {
      node,
      x: 0,
      y: 0,
      width,
      height: GROUP_HEADER + GROUP_PAD + height,
      blocks,
    };
  }
  return { node, x: 0, y: 0, width: Math.max(120, title), height: NODE_HEIGHT };
}

/** Every state node, nested ones included, with its absolute box. */
export function* allNodes(block: PlacedBlock, ox = 0, oy = 0): Generator<{ p: PlacedNode; x: number; y: number }> {
  for (const p of block.nodes) {
    const x = ox + block.x + p.x;
    const y = oy + block.y + p.y;
    yield { p, x, y };
    for (const b of p.blocks ?? []) yield* allNodes(b, x, y);
  }
}
