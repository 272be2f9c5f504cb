// An execution: status, times, input and output, error and cause; the graph view coloured
// from GetExecutionHistory (a click on a state opens its input and output), the table view
// of states, the event view; "Stop execution" while it runs. A running execution is polled
// every second and polling stops once it has ended.
import { useEffect, useMemo, useState } from "preact/hooks";
import {
  call,
  type Execution,
  formatDate,
  formatDuration,
  history,
  type HistoryEvent,
  pretty,
  type StateMachine,
} from "../api";
import { Dialog, ErrorBox, Json, Link, Loading, NotFound, StatusBadge, describe, isNotFound } from "../components";
import { Graph, STATUS_CLASS } from "../graph/Graph";
import { graphOf } from "../graph/model";
import { type Entry, isFailureEvent, type StateRun, stateRuns, type StateStatus } from "../graph/status";
import { paths } from "../router";
import { StartDialog } from "./StateMachine";

/** How often a running execution is read again: every second, less often once its history
 *  is long (each read fetches the whole history). */
const pollDelay = (events: number) => (events > 5000 ? 5000 : events > 1000 ? 2000 : 1000);
/** Events shown at first in the event view; "Show more" adds as many again. */
const EVENT_PAGE = 200;

interface Snapshot {
  execution: Execution;
  events: HistoryEvent[];
}

export function ExecutionPage({ arn }: { arn: string }) {
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [machine, setMachine] = useState<{ definition: string; name: string } | null>(null);
  const [machineError, setMachineError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    setSnap(null);
    setError(null);
    setMachine(null);
  }, [arn]);

  // One load, then another a second after it while the execution runs.
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    (async () => {
      try {
        const execution = await call<Execution>("DescribeExecution", { executionArn: arn });
        const events = await history(arn);
        if (!live) return;
        setSnap({ execution, events });
        setError(null);
        if (execution.status === "RUNNING") timer = window.setTimeout(() => setTick((t) => t + 1), pollDelay(events.length));
      } catch (e) {
        if (live) setError(e);
      }
    })();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [arn, tick]);

  // The graph is the definition the execution ran (a version's, when it ran one).
  const machineArn = snap?.execution.stateMachineArn;
  useEffect(() => {
    if (!machineArn) return;
    let live = true;
    call<{ definition: string; name: string }>("DescribeStateMachineForExecution", { executionArn: arn })
      .catch(() => call<StateMachine>("DescribeStateMachine", { stateMachineArn: machineArn }))
      .then(
        (m) => live && setMachine({ definition: m.definition, name: m.name }),
        (e) => live && setMachineError(e),
      );
    return () => {
      live = false;
    };
  }, [arn, machineArn]);

  if (error && !snap) {
    if (isNotFound(error)) return <NotFound what="Execution" detail={arn} />;
    return <ErrorBox error={error} title="Could not load the execution." />;
  }
  if (!snap) return <Loading />;
  return <ExecutionView snap={snap} machine={machine} machineError={machineError} pollError={error} onChanged={() => setTick((t) => t + 1)} />;
}

type Tab = "graph" | "table" | "events";

function ExecutionView({
  snap,
  machine,
  machineError,
  pollError,
  onChanged,
}: {
  snap: Snapshot;
  machine: { definition: string; name: string } | null;
  machineError: unknown;
  pollError: unknown;
  onChanged: () => void;
}) {
  const { execution: x, events } = snap;
  const [tab, setTab] = useState<Tab>("graph");
  const [selected, setSelected] = useState<string | undefined>();
  const [stopping, setStopping] = useState(false);
  const [redriving, setRedriving] = useState(false);
  const [restarting, setRestarting] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  // RedriveExecution reruns the execution from the state it stopped in; AWS refuses it for
  // some (Express, older than 14 days, past the history limit) and says why.
  const redrive = async () => {
    setRedriving(true);
    setActionError(null);
    try {
      await call("RedriveExecution", { executionArn: x.executionArn });
      onChanged();
    } catch (e) {
      setActionError(e);
    } finally {
      setRedriving(false);
    }
  };
  const runs = useMemo(() => stateRuns(events, x.status), [events, x.status]);
  const statuses = useMemo(() => new Map([...runs.values()].map((r) => [r.name, r.status] as [string, StateStatus])), [runs]);
  const graph = useMemo(() => {
    if (!machine) return null;
    try {
      return graphOf(machine.definition);
    } catch {
      return null;
    }
  }, [machine]);
  const machineArn = x.stateMachineArn.split(":").slice(0, 7).join(":");
  const end = x.stopDate ?? (x.status === "RUNNING" ? Date.now() / 1000 : undefined);
  return (
    <section>
      <nav class="crumbs">
        <Link href={paths.list}>State machines</Link> › <Link href={paths.machine(machineArn)}>{machineArn.split(":")[6]}</Link> › {x.name}
      </nav>
      <div class="page-head">
        <h1>
          {x.name} <StatusBadge status={x.status} />
        </h1>
        <div class="actions">
          {x.status === "RUNNING" && (
            <button type="button" class="danger" onClick={() => setStopping(true)}>
              Stop execution
            </button>
          )}
          <button type="button" onClick={() => setRestarting(true)}>
            New execution
          </button>
          {(x.status === "FAILED" || x.status === "TIMED_OUT" || x.status === "ABORTED") && (
            <button type="button" onClick={redrive} disabled={redriving}>
              Redrive
            </button>
          )}
        </div>
      </div>
      <ErrorBox error={pollError} title="Could not refresh the execution." />
      <ErrorBox error={actionError} title="Could not redrive the execution." />
      <dl class="details">
        <div>
          <dt>Execution status</dt>
          <dd aria-label="Execution status">
            <StatusBadge status={x.status} />
          </dd>
        </div>
        <div>
          <dt>Start time</dt>
          <dd>{formatDate(x.startDate)}</dd>
        </div>
        <div>
          <dt>End time</dt>
          <dd>{formatDate(x.stopDate)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(x.startDate, end)}</dd>
        </div>
        <div class="wide">
          <dt>Execution ARN</dt>
          <dd class="mono">{x.executionArn}</dd>
        </div>
      </dl>
      {(x.error || x.cause) && (
        <div class="alert error" role="alert" aria-label="Execution error">
          <div>
            <strong>Error</strong> <span class="mono">{x.error}</span>
          </div>
          {x.cause && (
            <div>
              <strong>Cause</strong> <span class="mono pre">{x.cause}</span>
            </div>
          )}
        </div>
      )}
      <div class="split">
        <div>
          <h2>Input</h2>
          <Json label="Execution input" text={pretty(x.input)} />
        </div>
        <div>
          <h2>Output</h2>
          <Json label="Execution output" text={x.output !== undefined ? pretty(x.output) : x.status === "RUNNING" ? "(running)" : "(none)"} />
        </div>
      </div>
      <div class="tabs" role="tablist">
        {(
          [
            ["graph", "Graph view"],
            ["table", "Table view"],
            ["events", "Events"],
          ] as const
        ).map(([id, word]) => (
          <button type="button" role="tab" aria-selected={tab === id} class={tab === id ? "active" : ""} onClick={() => setTab(id)}>
            {word}
          </button>
        ))}
      </div>
      {tab === "graph" && (
        <div class="graph-with-panel">
          <div class="graph-main">{graph ? (
              <Graph graph={graph} statuses={statuses} selected={selected} onSelect={setSelected} />
            ) : machineError ? (
              <ErrorBox error={machineError} title="Could not load the definition this execution ran." />
            ) : (
              <Loading />
            )}</div>
          <StatePanel run={selected ? runs.get(selected) : undefined} name={selected} onClose={() => setSelected(undefined)} />
        </div>
      )}
      {tab === "table" && <StateTable runs={runs} onSelect={(n) => (setSelected(n), setTab("graph"))} />}
      {tab === "events" && <EventTable events={events} />}
      {restarting && <StartDialog arn={x.stateMachineArn} initialInput={pretty(x.input) || "{}"} onClose={() => setRestarting(false)} />}
      {stopping && (
        <StopDialog
          arn={x.executionArn}
          onClose={() => setStopping(false)}
          onStopped={() => {
            setStopping(false);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

function StatePanel({ run, name, onClose }: { run?: StateRun; name?: string; onClose: () => void }) {
  const [index, setIndex] = useState(0);
  useEffect(() => setIndex(0), [name]);
  if (!name) return <aside class="panel muted">Select a state to see its input and output.</aside>;
  if (!run)
    return (
      <aside class="panel" aria-label={`State ${name}`}>
        <PanelHead name={name} status="Not run" onClose={onClose} />
        <p class="muted">This state did not run.</p>
      </aside>
    );
  const entry: Entry = run.entries[Math.min(index, run.entries.length - 1)];
  return (
    <aside class="panel" aria-label={`State ${name}`}>
      <PanelHead name={name} status={entry.status} onClose={onClose} />
      {run.entries.length > 1 && (
        <label class="inline">
          Entry{" "}
          <select value={index} onChange={(e) => setIndex(Number((e.target as HTMLSelectElement).value))} aria-label="Entry">
            {run.entries.map((en, i) => (
              <option value={i}>
                {i + 1} of {run.entries.length} — {en.status}
              </option>
            ))}
          </select>
        </label>
      )}
      <dl class="details compact">
        <div>
          <dt>Type</dt>
          <dd>{entry.type}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDate(entry.enteredAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(entry.enteredAt, entry.exitedAt)}</dd>
        </div>
        {entry.retries > 0 && (
          <div>
            <dt>Retries</dt>
            <dd>{entry.retries}</dd>
          </div>
        )}
      </dl>
      {(entry.error !== undefined || entry.cause !== undefined) && (
        <div class={`alert ${entry.status === "Failed" ? "error" : "warning"}`} aria-label="State error">
          <div>
            <strong>Error</strong> <span class="mono">{entry.error ?? ""}</span>
          </div>
          <div>
            <strong>Cause</strong> <span class="mono pre">{entry.cause ?? ""}</span>
          </div>
        </div>
      )}
      <h3>Input</h3>
      <Json label="State input" text={pretty(entry.input)} />
      {entry.parameters !== undefined && (
        <>
          <h3>Parameters</h3>
          <Json label="State parameters" text={pretty(entry.parameters)} />
        </>
      )}
      <h3>Output</h3>
      <Json label="State output" text={entry.output !== undefined ? pretty(entry.output) : "(no output)"} />
    </aside>
  );
}

function PanelHead({ name, status, onClose }: { name: string; status: StateStatus; onClose: () => void }) {
  return (
    <div class="panel-head">
      <h2>{name}</h2>
      <span class={`badge ${STATUS_CLASS[status]}`}>{status}</span>
      <button type="button" class="small" aria-label="Close" onClick={onClose}>
        ×
      </button>
    </div>
  );
}

function StateTable({ runs, onSelect }: { runs: Map<string, StateRun>; onSelect: (name: string) => void }) {
  const rows = [...runs.values()].flatMap((r) => r.entries).sort((a, b) => a.enteredEventId - b.enteredEventId);
  return (
    <table class="table" aria-label="Table view">
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Status</th>
          <th>Duration</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => (
          <tr>
            <td>
              <button type="button" class="link" onClick={() => onSelect(e.name)}>
                {e.name}
              </button>
            </td>
            <td>{e.type}</td>
            <td>
              <span class={`badge ${STATUS_CLASS[e.status]}`}>{e.status}</span>
            </td>
            <td>{formatDuration(e.enteredAt, e.exitedAt)}</td>
            <td>{formatDate(e.enteredAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventTable({ events }: { events: HistoryEvent[] }) {
  const start = events[0]?.timestamp;
  const [shown, setShown] = useState(EVENT_PAGE);
  const [onlyFailed, setOnlyFailed] = useState(false);
  const rows = (onlyFailed ? events.filter(isFailureEvent) : events).slice(0, shown);
  const total = onlyFailed ? events.filter(isFailureEvent).length : events.length;
  return (
    <>
    <div class="page-head">
      <span class="muted">
        {rows.length} of {total} events
      </span>
      <label class="inline">
        <input type="checkbox" checked={onlyFailed} onChange={(e) => setOnlyFailed((e.target as HTMLInputElement).checked)} /> Failed events only
      </label>
    </div>
    <table class="table events" aria-label="Events">
      <thead>
        <tr>
          <th>ID</th>
          <th>Type</th>
          <th>Step</th>
          <th>Elapsed</th>
          <th>Timestamp</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => {
          const { id, previousEventId, timestamp, type, ...rest } = e;
          const details = Object.values(rest)[0] as Record<string, unknown> | undefined;
          void previousEventId;
          return (
            <tr class={isFailureEvent(e) ? "failed-event" : ""}>
              <td>{id}</td>
              <td>
                <details>
                  <summary>{type}</summary>
                  <pre class="json">{JSON.stringify(rest, null, 2)}</pre>
                </details>
              </td>
              <td>{typeof details?.name === "string" ? details.name : ""}</td>
              <td>{start !== undefined ? formatDuration(start, timestamp) : ""}</td>
              <td>{formatDate(timestamp)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
    {rows.length < total && (
      <button type="button" onClick={() => setShown((n) => n + EVENT_PAGE)}>
        Show more
      </button>
    )}
    </>
  );
}

function StopDialog({ arn, onClose, onStopped }: { arn: string; onClose: () => void; onStopped: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const stop = async () => {
    setBusy(true);
    try {
      await call("StopExecution", { executionArn: arn });
      onStopped();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Dialog title="Stop execution?" onClose={onClose}>
      <p>The execution is stopped where it is; its status becomes Aborted.</p>
      {error ? <div class="alert error" role="alert">{describe(error)}</div> : null}
      <div class="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={busy} onClick={stop}>
          Stop execution
        </button>
      </div>
    </Dialog>
  );
}
