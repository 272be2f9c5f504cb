// The graph as SVG: nodes coloured by status, Choice rules and Catch errors on their edges,
// groups for Parallel and Map, fit to the frame, with zoom (wheel, buttons) and pan (drag).
// Every state's node is labelled for assistive technology (and the browser tests):
// aria-label="<StateName>" on a definition, "<StateName>: <Status>" on an execution.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { GraphBlock } from "./model";
import { GROUP_HEADER, layout, type PlacedBlock, type PlacedEdge, type PlacedNode, type Point } from "./layout";
import { STATUSES, type StateStatus } from "./status";

export const STATUS_CLASS: Record<StateStatus, string> = {
  Succeeded: "succeeded",
  Failed: "failed",
  "Caught error": "caught",
  Running: "running",
  Cancelled: "cancelled",
  "Not run": "notrun",
};

interface Props {
  graph: GraphBlock;
  /** Each state's status on an execution; absent on a definition. */
  statuses?: Map<string, StateStatus>;
  selected?: string;
  onSelect?: (name: string) => void;
  height?: string;
}

/** The smallest scale the first view uses unless the graph's width needs less. */
const READABLE = 0.75;

interface View {
  k: number;
  x: number;
  y: number;
}

export function Graph({ graph, statuses, selected, onSelect, height = "62vh" }: Props) {
  const placed = useMemo(() => layout(graph), [graph]);
  const frame = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ k: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; view: View; moved: boolean } | null>(null);
  /** Whether the last press panned: its click must not select the state under it. */
  const panned = useRef(false);

  /** The whole graph in the frame; a tall one (100 states) is shown from its top at a
   *  scale that keeps names readable — `whole` shrinks it all the same (the Fit button). */
  const fit = (whole = false) => {
    const el = frame.current;
    if (!el) return;
    const w = el.clientWidth || 600;
    // The legend takes the bottom strip of an execution's graph.
    const h = (el.clientHeight || 400) - (statuses ? 30 : 0);
    const across = (w - 24) / placed.width;
    const all = Math.min(1.25, across, (h - 24) / placed.height);
    const k = whole ? all : Math.max(all, Math.min(across, READABLE));
    const tall = placed.height * k > h - 24;
    setView({ k, x: (w - placed.width * k) / 2, y: tall ? 12 : (h - placed.height * k) / 2 });
  };
  useLayoutEffect(() => fit(), [placed]);
  useEffect(() => {
    const el = frame.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => fit());
    observer.observe(el);
    return () => observer.disconnect();
  }, [placed]);

  const zoom = (factor: number, cx?: number, cy?: number) =>
    setView((v) => {
      const el = frame.current;
      const px = cx ?? (el ? el.clientWidth / 2 : 0);
      const py = cy ?? (el ? el.clientHeight / 2 : 0);
      const k = Math.min(4, Math.max(0.1, v.k * factor));
      return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
    });

  // The wheel scrolls the graph; with Ctrl (or a pinch, which browsers send as Ctrl+wheel)
  // it zooms around the pointer.
  const onWheel = (e: WheelEvent) => {
    const el = frame.current;
    const fits = !!el && placed.width * view.k <= el.clientWidth && placed.height * view.k <= el.clientHeight;
    if (fits && !e.ctrlKey && !e.metaKey) return; // nothing to scroll: the page scrolls
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    } else {
      const dx = e.shiftKey ? e.deltaY : e.deltaX;
      const dy = e.shiftKey ? 0 : e.deltaY;
      setView((v) => ({ ...v, x: v.x - dx, y: v.y - dy }));
    }
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    panned.current = false;
    drag.current = { x: e.clientX, y: e.clientY, view, moved: false };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    d.moved = true;
    setView({ ...d.view, x: d.view.x + dx, y: d.view.y + dy });
  };
  const onPointerUp = () => {
    if (drag.current?.moved) panned.current = true;
    drag.current = null;
  };

  return (
    <div class="graph-frame" ref={frame} style={{ height }}>
      <svg
        class="graph"
        role="group"
        aria-label="Graph view"
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={onPointerUp}
      >
        <defs>
          {["next", "catch", "choice"].map((k) => (
            <marker id={`arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class={`arrow arrow-${k}`} />
            </marker>
          ))}
        </defs>
        <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
          <Block block={placed} statuses={statuses} selected={selected} onSelect={(n) => !panned.current && onSelect?.(n)} />
        </g>
      </svg>
      <div class="graph-tools">
        <button type="button" title="Zoom in" aria-label="Zoom in" onClick={() => zoom(1.25)}>+</button>
        <button type="button" title="Zoom out" aria-label="Zoom out" onClick={() => zoom(0.8)}>−</button>
        <button type="button" title="Fit to screen" onClick={() => fit(true)}>Fit</button>
      </div>
      {statuses && <Legend />}
    </div>
  );
}

export function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      {STATUSES.map((s) => (
        <li>
          <span class={`swatch ${STATUS_CLASS[s]}`} /> {s}
        </li>
      ))}
    </ul>
  );
}

interface BlockProps {
  block: PlacedBlock;
  statuses?: Map<string, StateStatus>;
  selected?: string;
  onSelect: (name: string) => void;
  branch?: boolean;
}

function Block({ block, statuses, selected, onSelect, branch }: BlockProps) {
  return (
    <g transform={`translate(${block.x},${block.y})`}>
      {branch && <rect class="branch" width={block.width} height={block.height} rx="6" />}
      {block.edges.map((e) => (
        <Edge edge={e} />
      ))}
      {block.nodes.map((p) => (
        <Node p={p} statuses={statuses} selected={selected} onSelect={onSelect} />
      ))}
    </g>
  );
}

function Node({ p, statuses, selected, onSelect }: { p: PlacedNode } & Omit<BlockProps, "block">) {
  const { node } = p;
  if (node.kind === "start" || node.kind === "end") {
    return (
      <g transform={`translate(${p.x},${p.y})`} class="terminal">
        <rect width={p.width} height={p.height} rx={p.height / 2} />
        <text x={p.width / 2} y={p.height / 2} dy="0.35em" text-anchor="middle">
          {node.kind === "start" ? "Start" : "End"}
        </text>
      </g>
    );
  }
  const name = node.name ?? "";
  const status = statuses ? (statuses.get(name) ?? "Not run") : undefined;
  const cls = ["state", node.kind === "group" ? "group" : "", status ? STATUS_CLASS[status] : "plain", selected === name ? "selected" : ""].join(" ");
  const select = (e: Event) => {
    e.stopPropagation();
    onSelect(name);
  };
  const label = status ? `${name}: ${status}` : name;
  const head = node.kind === "group" ? GROUP_HEADER : p.height;
  return (
    <g transform={`translate(${p.x},${p.y})`}>
      <g
        class={cls}
        role="button"
        tabIndex={0}
        aria-label={label}
        data-state={name}
        onClick={select}
        onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && select(e)}
      >
        <title>{`${label} (${node.type})`}</title>
        <rect class="box" width={p.width} height={p.height} rx="7" />
        {node.kind === "group" && <rect class="band" width={p.width} height={GROUP_HEADER} rx="7" />}
        <text class="name" x={node.kind === "group" ? 12 : p.width / 2} y={head / 2 - (node.kind === "group" ? 0 : 6)} dy="0.35em" text-anchor={node.kind === "group" ? "start" : "middle"}>
          {name}
        </text>
        <text class="type" x={node.kind === "group" ? p.width - 10 : p.width / 2} y={node.kind === "group" ? head / 2 : head / 2 + 10} dy="0.35em" text-anchor={node.kind === "group" ? "end" : "middle"}>
          {node.type}
        </text>
        {node.retries ? (
          <text class="retry" x={p.width - 8} y="12" text-anchor="end">
            {`↻${node.retries}`}
          </text>
        ) : null}
      </g>
      {p.blocks?.map((b) => (
        <Block block={b} statuses={statuses} selected={selected} onSelect={onSelect} branch={node.type === "Parallel"} />
      ))}
    </g>
  );
}

function Edge({ edge }: { edge: PlacedEdge }) {
  const kind = edge.kind === "default" ? "choice" : edge.kind;
  return (
    <g class={`edge edge-${edge.kind}`}>
      <path d={curve(edge.points)} marker-end={`url(#arrow-${kind})`} />
      {edge.label && edge.labelAt && (
        <g transform={`translate(${edge.labelAt.x},${edge.labelAt.y})`} class="edge-label">
          <text dy="0.35em" text-anchor="middle">
            {edge.label}
          </text>
        </g>
      )}
    </g>
  );
}

/** A smooth path through dagre's points: straight ends, rounded bends. */
function curve(points: Point[]): string {
  if (points.length === 0) return "";
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const mx = (points[i].x + points[i + 1].x) / 2;
    const my = (points[i].y + points[i + 1].y) / 2;
    d += ` Q${points[i].x},${points[i].y} ${mx},${my}`;
  }
  const last = points[points.length - 1];
  return `${d} L${last.x},${last.y}`;
}
