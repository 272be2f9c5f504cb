import { describe, expect, test } from "vitest";
import { DefinitionShapeError, END, graphOf, ruleLabel, START } from "./model";

const edges = (g: ReturnType<typeof graphOf>) => g.edges.map((e) => `${e.from}-${e.kind}->${e.to}${e.label ? ` [${e.label}]` : ""}`);

describe("graphOf", () => {
  test("Start to StartAt, End and terminal states to End", () => {
    const g = graphOf({
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } },
    });
    expect(g.nodes.map((n) => n.id)).toEqual([START, "A", "B", END]);
    expect(edges(g)).toEqual([`${START}-next->A`, "A-next->B", `B-next->${END}`]);
  });

  test("Succeed and Fail end the graph; Wait follows Next", () => {
    const g = graphOf({
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 1, Next: "S" }, S: { Type: "Succeed" }, F: { Type: "Fail", Error: "E" } },
    });
    expect(edges(g)).toEqual([`${START}-next->W`, "W-next->S", `S-next->${END}`, `F-next->${END}`]);
    expect(g.nodes.find((n) => n.id === "W")?.type).toBe("Wait");
  });

  test("Choice rules are labelled and Default is marked", () => {
    const g = graphOf({
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Choices: [
            { Variable: "$.n", NumericGreaterThan: 3, Next: "Big" },
            { And: [{ Variable: "$.a", IsPresent: true }, { Variable: "$.b", StringEquals: "x" }], Next: "Big" },
          ],
          Default: "Small",
        },
        Big: { Type: "Succeed" },
        Small: { Type: "Succeed" },
      },
    });
    expect(edges(g).slice(1, 4)).toEqual([
      "C-choice->Big [$.n > 3]",
      'C-choice->Big [$.a is present and $.b == "x"]',
      "C-default->Small [Default]",
    ]);
  });

  test("JSONata conditions label their edge", () => {
    expect(ruleLabel({ Condition: "{% $states.input.n > 3 %}", Next: "X" })).toBe("$states.input.n > 3");
    expect(ruleLabel({ Not: { Variable: "$.ok", BooleanEquals: true }, Next: "X" })).toBe("not ($.ok == true)");
  });

  test("Catch edges are their own kind, labelled with the errors; retries are counted", () => {
    const g = graphOf({
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Retry: [{ ErrorEquals: ["States.Timeout"] }, { ErrorEquals: ["States.ALL"] }],
          Catch: [{ ErrorEquals: ["States.TaskFailed", "Custom"], Next: "Recover" }],
          End: true,
        },
        Recover: { Type: "Pass", End: true },
      },
    });
    expect(edges(g)).toContain("T-catch->Recover [States.TaskFailed, Custom]");
    expect(g.nodes.find((n) => n.id === "T")?.retries).toBe(2);
  });

  test("Parallel branches and Map processors (and legacy Iterator) are nested blocks", () => {
    const g = graphOf({
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "L", States: { L: { Type: "Pass", Next: "L2" }, L2: { Type: "Pass", End: true } } },
            { StartAt: "R", States: { R: { Type: "Pass", End: true } } },
          ],
          Next: "M",
        },
        M: { Type: "Map", ItemProcessor: { StartAt: "I", States: { I: { Type: "Pass", End: true } } }, Next: "Old" },
        Old: { Type: "Map", Iterator: { StartAt: "J", States: { J: { Type: "Pass", End: true } } }, End: true },
      },
    });
    const p = g.nodes.find((n) => n.id === "P")!;
    expect(p.kind).toBe("group");
    expect(p.blocks!.map((b) => b.nodes.map((n) => n.id))).toEqual([["L", "L2"], ["R"]]);
    // Inside a group there is no Start or End: the group's box is both.
    expect(p.blocks![0].edges.map((e) => `${e.from}->${e.to}`)).toEqual(["L->L2"]);
    expect(g.nodes.find((n) => n.id === "M")!.blocks![0].nodes[0].id).toBe("I");
    expect(g.nodes.find((n) => n.id === "Old")!.blocks![0].nodes[0].id).toBe("J");
  });

  test("loops are kept as edges back", () => {
    const g = graphOf({
      StartAt: "Inc",
      States: {
        Inc: { Type: "Pass", Next: "Check" },
        Check: { Type: "Choice", Choices: [{ Variable: "$.i", NumericLessThan: 10, Next: "Inc" }], Default: "Done" },
        Done: { Type: "Succeed" },
      },
    });
    expect(edges(g)).toContain("Check-choice->Inc [$.i < 10]");
  });

  test("a Next naming no state is skipped; not JSON or no States is an error", () => {
    const g = graphOf({ StartAt: "A", States: { A: { Type: "Pass", Next: "Nowhere" } } });
    expect(edges(g)).toEqual([`${START}-next->A`]);
    expect(() => graphOf("{")).toThrow(DefinitionShapeError);
    expect(() => graphOf({ StartAt: "A" })).toThrow("no States");
  });
});
