// What happened to each state, read from GetExecutionHistory: the colour of its node and
// what its panel shows. Each entry into a state (a loop's turns, a Map's iterations) is
// kept apart, and an event belongs to the entry whose chain of previousEventId it continues.
import type { ExecutionStatus, HistoryEvent } from "../api";

export type StateStatus = "Succeeded" | "Failed" | "Caught error" | "Running" | "Cancelled" | "Not run";

/** Colours and legend order. */
export const STATUSES: StateStatus[] = ["Succeeded", "Failed", "Caught error", "Running", "Cancelled", "Not run"];

export interface Entry {
  name: string;
  type: string;
  enteredEventId: number;
  enteredAt: number;
  exitedAt?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** What the Task sent its resource (TaskScheduled's parameters), last attempt. */
  parameters?: string;
  /** An error not yet retried when the state exited (or the execution ended). */
  failed: boolean;
  retries: number;
  status: StateStatus;
}

export interface StateRun {
  name: string;
  type: string;
  status: StateStatus;
  entries: Entry[];
}

/** Failing is worse than anything; a state that failed in one Map iteration shows Failed. */
const RANK: Record<StateStatus, number> = {
  Failed: 5,
  Running: 4,
  "Caught error": 3,
  Cancelled: 2,
  Succeeded: 1,
  "Not run": 0,
};

function details(e: HistoryEvent): Record<string, any> {
  for (const [k, v] of Object.entries(e)) if (k.endsWith("EventDetails") && v && typeof v === "object") return v;
  return {};
}

const isFailure = (type: string) =>
  (type.endsWith("Failed") || type.endsWith("TimedOut")) &&
  type !== "ExecutionTimedOut" &&
  !type.startsWith("MapIteration") &&
  !type.startsWith("MapRun");

/** Events of a Map or Parallel state itself, which follow the events of its children. */
const FANOUT = /^(Map|Parallel)State(Started|Succeeded|Failed|Aborted)$/;

export function stateRuns(events: HistoryEvent[], execution: ExecutionStatus): Map<string, StateRun> {
  const owner = new Map<number, Entry>();
  const entries: Entry[] = [];
  const open: Entry[] = [];
  for (const e of events) {
    const d = details(e);
    let entry: Entry | undefined;
    if (e.type.endsWith("StateEntered")) {
      entry = {
        name: String(d.name ?? ""),
        type: e.type.slice(0, -"StateEntered".length),
        enteredEventId: e.id,
        enteredAt: e.timestamp,
        input: text(d.input),
        failed: false,
        retries: 0,
        status: "Running",
      };
      entries.push(entry);
      open.push(entry);
    } else if (e.type.endsWith("StateExited")) {
      const chained = e.previousEventId !== undefined ? owner.get(e.previousEventId) : undefined;
      entry = chained && chained.name === d.name && chained.exitedAt === undefined ? chained : lastOpen(open, (x) => x.name === d.name);
      if (entry) {
        entry.exitedAt = e.timestamp;
        entry.output = text(d.output);
        entry.status = entry.failed ? "Caught error" : "Succeeded";
        if (entry.failed) {
          // A caught error's output is usually {"Error", "Cause"}: the best account of it
          // when the failure event carries none (ParallelStateFailed, MapStateFailed).
          const caught = parse(entry.output);
          if (entry.error === undefined && typeof caught?.Error === "string") entry.error = caught.Error;
          if (entry.cause === undefined && typeof caught?.Cause === "string") entry.cause = caught.Cause;
          for (const f of open) if (f.type === "Fail" && f.error === undefined) Object.assign(f, { error: entry.error, cause: entry.cause });
        }
        open.splice(open.indexOf(entry), 1);
      }
    } else {
      const fanout = FANOUT.exec(e.type);
      entry = fanout
        ? lastOpen(open, (x) => x.type === fanout[1])
        : e.previousEventId !== undefined
          ? owner.get(e.previousEventId)
          : undefined;
      if (entry && entry.exitedAt === undefined) {
        if (isFailure(e.type)) {
          entry.failed = true;
          if (d.error !== undefined) entry.error = d.error;
          if (d.cause !== undefined) entry.cause = d.cause;
          // A Fail state's error reaches the history on the event that ends its branch.
          for (const f of open) if (f.type === "Fail" && f.error === undefined) Object.assign(f, { error: d.error, cause: d.cause });
        } else if (e.type.endsWith("Scheduled") && d.parameters !== undefined) {
          entry.parameters = text(d.parameters);
        }
        if (!isFailure(e.type) && entry.failed && (e.type.endsWith("Scheduled") || e.type.endsWith("StateStarted"))) {
          // The failure was retried.
          entry.failed = false;
          entry.retries += 1;
        }
      }
    }
    if (entry) owner.set(e.id, entry);
  }
  for (const entry of open) {
    entry.status = entry.failed || entry.type === "Fail" ? "Failed" : execution === "RUNNING" ? "Running" : "Cancelled";
    // A Map or Parallel whose child failed the execution failed with it.
    if (execution === "FAILED" && (entry.type === "Map" || entry.type === "Parallel") && !entry.failed) {
      const inside = entries.some((x) => x.enteredEventId > entry.enteredEventId && x.status === "Failed");
      if (inside) entry.status = "Failed";
    }
  }
  const runs = new Map<string, StateRun>();
  for (const entry of entries) {
    const run = runs.get(entry.name);
    if (!run) runs.set(entry.name, { name: entry.name, type: entry.type, status: entry.status, entries: [entry] });
    else {
      run.entries.push(entry);
      if (RANK[entry.status] > RANK[run.status]) run.status = entry.status;
    }
  }
  return runs;
}

/** Input and output are JSON text on the wire; other tools hand them over parsed. */
function text(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
}

function parse(v?: string): any {
  try {
    return v === undefined ? undefined : JSON.parse(v);
  } catch {
    return undefined;
  }
}

function lastOpen(open: Entry[], test: (e: Entry) => boolean): Entry | undefined {
  for (let i = open.length - 1; i >= 0; i--) if (test(open[i])) return open[i];
  return undefined;
}

/** Whether an event reports a failure (the event view marks it). */
export const isFailureEvent = (e: HistoryEvent) => e.type.endsWith("Failed") || e.type.endsWith("TimedOut") || e.type.endsWith("Aborted");
