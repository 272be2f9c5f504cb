import { expect, test } from "vitest";
import type { HistoryEvent } from "../api";
import { stateRuns } from "./status";

let id = 0;
function ev(type: string, previousEventId: number, details?: object): HistoryEvent {
  id += 1;
  const key = type.endsWith("StateEntered")
    ? "stateEnteredEventDetails"
    : type.endsWith("StateExited")
      ? "stateExitedEventDetails"
      : `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;
  return { id, previousEventId, timestamp: 1000 + id, type, ...(details ? { [key]: details } : {}) };
}

test("caught, retried, failed and succeeded states, as the engine records them", () => {
  id = 0;
  // The history `stepwise run --history` writes for a Parallel whose Fail branch is caught,
  // then a Task retried once and caught, then a Fail state.
  const events = [
    ev("ExecutionStarted", 0, { input: "{}" }),
    ev("ParallelStateEntered", 0, { name: "Par", input: "{}" }), // 2
    ev("ParallelStateStarted", 2), // 3
    ev("PassStateEntered", 3, { name: "A", input: "{}" }), // 4
    ev("PassStateExited", 4, { name: "A", output: "{}" }), // 5
    ev("FailStateEntered", 3, { name: "B", input: "{}" }), // 6
    ev("ParallelStateFailed", 6), // 7
    ev("ParallelStateExited", 7, { name: "Par", output: '{"Error":"Boom","Cause":"it broke"}' }), // 8
    ev("TaskStateEntered", 8, { name: "Call", input: "{}" }), // 9
    ev("TaskScheduled", 9, { parameters: '{"FunctionName":"nope"}' }), // 10
    ev("TaskStarted", 10, {}), // 11
    ev("TaskFailed", 11, { error: "States.TaskFailed", cause: "no handler" }), // 12
    ev("TaskScheduled", 12, {}), // 13
    ev("TaskStarted", 13, {}), // 14
    ev("TaskFailed", 14, { error: "States.TaskFailed", cause: "no handler" }), // 15
    ev("TaskStateExited", 15, { name: "Call", output: "{}" }), // 16
    ev("FailStateEntered", 16, { name: "Final", input: "{}" }), // 17
    ev("ExecutionFailed", 17, { error: "Final", cause: "end" }),
  ];
  const runs = stateRuns(events, "FAILED");
  const status = Object.fromEntries([...runs].map(([name, r]) => [name, r.status]));
  expect(status).toEqual({ Par: "Caught error", A: "Succeeded", B: "Failed", Call: "Caught error", Final: "Failed" });
  expect(runs.get("Par")!.entries[0]).toMatchObject({ error: "Boom", cause: "it broke" });
  expect(runs.get("B")!.entries[0]).toMatchObject({ error: "Boom", cause: "it broke" });
  expect(runs.get("Call")!.entries[0]).toMatchObject({ parameters: '{"FunctionName":"nope"}', retries: 1, error: "States.TaskFailed", cause: "no handler", output: "{}" });
  expect(runs.get("Final")!.entries[0]).toMatchObject({ error: "Final", cause: "end" });
});

test("a retry that succeeds leaves the state green; a running state is blue, then cancelled when aborted", () => {
  id = 0;
  const events = [
    ev("ExecutionStarted", 0, { input: "{}" }),
    ev("TaskStateEntered", 0, { name: "T", input: "{}" }), // 2
    ev("TaskScheduled", 2, {}),
    ev("TaskFailed", 3, { error: "E", cause: "c" }),
    ev("TaskScheduled", 4, {}),
    ev("TaskSucceeded", 5, { output: "1" }),
    ev("TaskStateExited", 6, { name: "T", output: "1" }), // 7
    ev("WaitStateEntered", 7, { name: "W", input: "1" }),
  ];
  const running = stateRuns(events, "RUNNING");
  expect(running.get("T")!.status).toBe("Succeeded");
  expect(running.get("T")!.entries[0].retries).toBe(1);
  expect(running.get("W")!.status).toBe("Running");
  expect(stateRuns(events, "ABORTED").get("W")!.status).toBe("Cancelled");
});

test("a Map's iterations are entries of the same state; one failed iteration makes it Failed", () => {
  id = 0;
  const events = [
    ev("ExecutionStarted", 0, { input: "[1,2]" }),
    ev("MapStateEntered", 0, { name: "M", input: "[1,2]" }), // 2
    ev("MapStateStarted", 2, { length: 2 }), // 3
    ev("MapIterationStarted", 3, { name: "M", index: 0 }), // 4
    ev("MapIterationStarted", 3, { name: "M", index: 1 }), // 5
    ev("TaskStateEntered", 4, { name: "Work", input: "1" }), // 6
    ev("TaskStateEntered", 5, { name: "Work", input: "2" }), // 7
    ev("TaskScheduled", 6, {}), // 8
    ev("TaskScheduled", 7, {}), // 9
    ev("TaskSucceeded", 8, { output: "10" }), // 10
    ev("TaskFailed", 9, { error: "Bad", cause: "two" }), // 11
    ev("TaskStateExited", 10, { name: "Work", output: "10" }), // 12
    ev("MapIterationSucceeded", 12, { name: "M", index: 0 }), // 13
    ev("MapIterationFailed", 11, { name: "M", index: 1 }), // 14
    ev("MapStateFailed", 14), // 15
    ev("ExecutionFailed", 15, { error: "Bad", cause: "two" }),
  ];
  const runs = stateRuns(events, "FAILED");
  const work = runs.get("Work")!;
  expect(work.entries.map((e) => [e.input, e.status])).toEqual([
    ["1", "Succeeded"],
    ["2", "Failed"],
  ]);
  expect(work.status).toBe("Failed");
  expect(work.entries[1]).toMatchObject({ error: "Bad", cause: "two" });
  expect(runs.get("M")!.status).toBe("Failed");
});
