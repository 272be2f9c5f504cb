// A definition as a graph: one block per state list (the top level, each Parallel branch,
// each Map item processor), with Start and End at the top level. Laid out by layout.ts,
// drawn by Graph.tsx. Reads the definition's JSON only: validation is the server's job.

export type EdgeKind = "next" | "choice" | "default" | "catch";

export interface GraphNode {
  id: string;
  kind: "start" | "end" | "state" | "group";
  /** The state's name (none for Start and End). */
  name?: string;
  type?: string;
  /** Retriers on this state (drawn on the node). */
  retries?: number;
  /** Parallel branches, or a Map's one item processor. */
  blocks?: GraphBlock[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface GraphBlock {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const START = "__start__";
export const END = "__end__";

export class DefinitionShapeError extends Error {}

/** The graph of a definition's text. Throws for text that is not JSON or has no States. */
export function graphOf(definition: string | object): GraphBlock {
  let def: any = definition;
  if (typeof definition === "string") {
    try {
      def = JSON.parse(definition);
    } catch (e) {
      throw new DefinitionShapeError(`The definition is not JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(def) || !isObject(def.States)) throw new DefinitionShapeError("The definition has no States.");
  return block(def, true);
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function block(machine: Record<string, any>, top: boolean): GraphBlock {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const states: Record<string, any> = isObject(machine.States) ? machine.States : {};
  const names = new Set(Object.keys(states));
  const link = (from: string, to: unknown, kind: EdgeKind, label?: string) => {
    // A Next that names no state is the validator's to report; the graph just skips it.
    if (typeof to === "string" && names.has(to)) edges.push({ from, to, kind, label });
  };
  if (top) {
    nodes.push({ id: START, kind: "start" });
    link(START, machine.StartAt, "next");
  }
  let ends = false;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    const type = String(state.Type ?? "");
    const node: GraphNode = { id: name, kind: "state", name, type };
    if (Array.isArray(state.Retry) && state.Retry.length) node.retries = state.Retry.length;
    if (type === "Parallel" && Array.isArray(state.Branches)) {
      node.kind = "group";
      node.blocks = state.Branches.filter(isObject).map((b: any) => block(b, false));
    } else if (type === "Map") {
      const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
      if (isObject(processor)) {
        node.kind = "group";
        node.blocks = [block(processor, false)];
      }
    }
    nodes.push(node);
    if (type === "Choice") {
      const choices = Array.isArray(state.Choices) ? state.Choices : [];
      choices.forEach((rule: any, i: number) => link(name, rule?.Next, "choice", ruleLabel(rule) || `Rule #${i + 1}`));
      link(name, state.Default, "default", "Default");
    } else {
      link(name, state.Next, "next");
    }
    if (Array.isArray(state.Catch)) {
      for (const c of state.Catch) {
        const errors = Array.isArray(c?.ErrorEquals) ? c.ErrorEquals.join(", ") : "";
        link(name, c?.Next, "catch", errors);
      }
    }
    const terminal = state.End === true || type === "Succeed" || type === "Fail";
    if (terminal && top) {
      edges.push({ from: name, to: END, kind: "next" });
      ends = true;
    }
  }
  if (top && (ends || nodes.length === 1)) nodes.push({ id: END, kind: "end" });
  return { nodes, edges };
}

const OPERATORS: [string, string][] = [
  ["Equals", "=="],
  ["GreaterThanEquals", ">="],
  ["LessThanEquals", "<="],
  ["GreaterThan", ">"],
  ["LessThan", "<"],
  ["Matches", "matches"],
];

/** A Choice rule in a few words: `$.x == 1`, `not($.ok is present)`, a JSONata condition. */
export function ruleLabel(rule: any, depth = 0): string {
  if (!isObject(rule)) return "";
  if (typeof rule.Condition === "string") return clip(rule.Condition.replace(/^\{%\s*|\s*%\}$/g, ""));
  if (depth > 2) return "…";
  if (Array.isArray(rule.And)) return clip(rule.And.map((r: any) => ruleLabel(r, depth + 1)).join(" and "));
  if (Array.isArray(rule.Or)) return clip(rule.Or.map((r: any) => ruleLabel(r, depth + 1)).join(" or "));
  if (isObject(rule.Not)) return clip(`not (${ruleLabel(rule.Not, depth + 1)})`);
  const variable = typeof rule.Variable === "string" ? rule.Variable : "";
  for (const [key, value] of Object.entries(rule)) {
    if (key === "Variable" || key === "Next" || key === "Comment" || key === "Assign" || key === "Output") continue;
    if (key.startsWith("Is")) return clip(`${variable} ${value ? "is" : "is not"} ${key.slice(2).toLowerCase()}`);
    const op = OPERATORS.find(([suffix]) => key.replace(/Path$/, "").endsWith(suffix));
    if (op) return clip(`${variable} ${op[1]} ${JSON.stringify(value)}`);
  }
  return "";
}

function clip(text: string, max = 36): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
