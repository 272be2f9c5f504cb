import { expect, test } from "vitest";
import { allNodes, layout, type PlacedBlock } from "./layout";
import { graphOf } from "./model";

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** No two boxes of a block overlap, every edge has a path, every child block fits its group. */
function checkBlock(block: PlacedBlock) {
  for (const [i, a] of block.nodes.entries()) {
    expect(Number.isFinite(a.x) && Number.isFinite(a.y)).toBe(true);
    for (const b of block.nodes.slice(i + 1)) expect(overlaps(a, b), `${a.node.id} overlaps ${b.node.id}`).toBe(false);
    expect(a.x >= 0 && a.y >= 0 && a.x + a.width <= block.width + 0.5 && a.y + a.height <= block.height + 0.5).toBe(true);
    for (const child of a.blocks ?? []) {
      expect(child.x >= 0 && child.y > 0).toBe(true);
      expect(child.x + child.width <= a.width + 0.5 && child.y + child.height <= a.height + 0.5, `${a.node.id}'s block fits`).toBe(true);
      checkBlock(child);
    }
    for (const [j, c] of (a.blocks ?? []).entries()) for (const d of (a.blocks ?? []).slice(j + 1)) expect(overlaps(c, d)).toBe(false);
  }
  for (const e of block.edges) expect(e.points.length, `${e.from}->${e.to}`).toBeGreaterThanOrEqual(2);
}

test("every state type lays out without overlaps; labelled edges get a label position", () => {
  const placed = layout(
    graphOf({
      StartAt: "T",
      States: {
        T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Catch: [{ ErrorEquals: ["States.ALL"], Next: "F" }], Next: "C" },
        C: { Type: "Choice", Choices: [{ Variable: "$.x", NumericEquals: 1, Next: "P" }], Default: "W" },
        W: { Type: "Wait", Seconds: 1, Next: "P" },
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", End: true } } },
            { StartAt: "M", States: { M: { Type: "Map", ItemProcessor: { StartAt: "I", States: { I: { Type: "Pass", End: true } } }, End: true } } },
          ],
          Next: "S",
        },
        S: { Type: "Succeed" },
        F: { Type: "Fail", Error: "E" },
      },
    }),
  );
  checkBlock(placed);
  const labelled = placed.edges.filter((e) => e.label);
  expect(labelled.map((e) => e.label)).toEqual(["States.ALL", "$.x == 1", "Default"]);
  for (const e of labelled) expect(e.labelAt).toBeDefined();
  // A Map nested in a Parallel branch: three levels, each inside the one above.
  const names = [...allNodes(placed)].map(({ p }) => p.node.id);
  expect(names).toEqual(expect.arrayContaining(["P", "A", "B", "M", "I"]));
});

test("the main path runs top to bottom", () => {
  const placed = layout(
    graphOf({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Next: "C" }, C: { Type: "Pass", End: true } } }),
  );
  const y = (id: string) => placed.nodes.find((n) => n.node.id === id)!.y;
  expect(y("A")).toBeLessThan(y("B"));
  expect(y("B")).toBeLessThan(y("C"));
});

test("a loop is drawn back and a 100-state machine lays out", () => {
  const states: Record<string, object> = {};
  for (let i = 0; i < 100; i++) {
    states[`S${i}`] =
      i % 10 === 9
        ? { Type: "Choice", Choices: [{ Variable: "$.again", BooleanEquals: true, Next: `S${i - 9}` }], Default: i === 99 ? "End" : `S${i + 1}` }
        : { Type: "Pass", Next: `S${i + 1}` };
  }
  states.End = { Type: "Succeed" };
  const placed = layout(graphOf({ StartAt: "S0", States: states }));
  checkBlock(placed);
  expect(placed.nodes.length).toBe(103);
  const back = placed.edges.find((e) => e.from === "S9" && e.to === "S0")!;
  expect(back.points.length).toBeGreaterThanOrEqual(2);
});
