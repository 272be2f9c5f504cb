// A state machine: its details, graph and definition side by side, its executions (status
// filter, paging) and "Start execution".
import { useMemo, useState } from "preact/hooks";
import { call, type ExecutionListItem, formatDate, formatDuration, listAll, pretty, type StateMachine as Machine, TYPE_WORDS, uuid } from "../api";
import { Dialog, ErrorBox, Link, Loading, NotFound, StatusBadge, describe, isNotFound, jsonProblem, useAsync } from "../components";
import { Graph } from "../graph/Graph";
import { graphOf } from "../graph/model";
import { navigate, paths } from "../router";
import { DeleteDialog } from "./StateMachines";

const FILTERS = [
  ["", "All"],
  ["RUNNING", "Running"],
  ["SUCCEEDED", "Succeeded"],
  ["FAILED", "Failed"],
  ["TIMED_OUT", "Timed out"],
  ["ABORTED", "Aborted"],
] as const;

export function StateMachinePage({ arn }: { arn: string }) {
  const machine = useAsync(() => call<Machine>("DescribeStateMachine", { stateMachineArn: arn }), [arn]);
  const [starting, setStarting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const graph = useMemo(() => {
    if (!machine.data) return null;
    try {
      return { graph: graphOf(machine.data.definition) };
    } catch (e) {
      return { error: e };
    }
  }, [machine.data]);

  if (machine.error && isNotFound(machine.error)) return <NotFound what="State machine" detail={arn} />;
  if (machine.error) return <ErrorBox error={machine.error} title="Could not load the state machine." />;
  if (!machine.data) return <Loading />;
  const m = machine.data;
  return (
    <section>
      <nav class="crumbs">
        <Link href={paths.list}>State machines</Link> › {m.name}
      </nav>
      <div class="page-head">
        <h1>{m.name}</h1>
        <div class="actions">
          <button type="button" class="danger" onClick={() => setDeleting(true)}>
            Delete
          </button>
          <button type="button" onClick={() => navigate(paths.edit(arn))}>
            Edit
          </button>
          <button type="button" class="primary" onClick={() => setStarting(true)}>
            Start execution
          </button>
        </div>
      </div>
      <dl class="details">
        <div>
          <dt>ARN</dt>
          <dd class="mono">{m.stateMachineArn}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{TYPE_WORDS[m.type] ?? m.type}</dd>
        </div>
        <div>
          <dt>Creation date</dt>
          <dd>{formatDate(m.creationDate)}</dd>
        </div>
        <div>
          <dt>IAM role ARN</dt>
          <dd class="mono">{m.roleArn}</dd>
        </div>
      </dl>
      {m.type === "EXPRESS" ? (
        <section class="executions">
          <h2>Executions</h2>
          <p class="muted">
            Express workflows keep no execution history, so they are not listed (ListExecutions does not support them, as on AWS).
            "Start execution" runs one synchronously and shows its result.
          </p>
        </section>
      ) : (
        <Executions arn={arn} />
      )}
      <VersionsAndAliases arn={arn} express={m.type === "EXPRESS"} />
      <div class="split">
        <div>
          <h2>Graph</h2>
          {graph?.graph ? <Graph graph={graph.graph} height="60vh" /> : <ErrorBox error={graph?.error} />}
        </div>
        <div>
          <h2>Definition</h2>
          <pre class="json definition" aria-label="Definition">
            {pretty(m.definition)}
          </pre>
        </div>
      </div>
      {starting && <StartDialog arn={arn} express={m.type === "EXPRESS"} onClose={() => setStarting(false)} />}
      {deleting && <DeleteDialog name={m.name} arn={arn} onClose={() => setDeleting(false)} onDeleted={() => navigate(paths.list)} />}
    </section>
  );
}

function Executions({ arn }: { arn: string }) {
  const [filter, setFilter] = useState("");
  const [pages, setPages] = useState<ExecutionListItem[][]>([]);
  const [next, setNext] = useState<string | undefined>();
  const first = useAsync(async () => {
    const r = await call<{ executions: ExecutionListItem[]; nextToken?: string }>("ListExecutions", {
      stateMachineArn: arn,
      maxResults: 50,
      ...(filter ? { statusFilter: filter } : {}),
    });
    setPages([r.executions]);
    setNext(r.nextToken);
    return r;
  }, [arn, filter]);
  const [moreError, setMoreError] = useState<unknown>(null);
  const more = async () => {
    try {
      const r = await call<{ executions: ExecutionListItem[]; nextToken?: string }>("ListExecutions", {
        stateMachineArn: arn,
        maxResults: 50,
        nextToken: next,
        ...(filter ? { statusFilter: filter } : {}),
      });
      setPages((p) => [...p, r.executions]);
      setNext(r.nextToken);
    } catch (e) {
      setMoreError(e);
    }
  };
  const executions = pages.flat();
  return (
    <section class="executions">
      <div class="page-head">
        <h2>Executions</h2>
        <div class="actions">
          <label class="inline">
            Status{" "}
            <select aria-label="Status filter" value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value)}>
              {FILTERS.map(([value, word]) => (
                <option value={value}>{word}</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => first.reload()}>
            Refresh
          </button>
        </div>
      </div>
      <ErrorBox error={first.error || moreError} title="Could not list the executions." />
      <table class="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Started</th>
            <th>End time</th>
          </tr>
        </thead>
        <tbody>
          {executions.map((x) => (
            <tr key={x.executionArn}>
              <td>
                <Link href={paths.execution(x.executionArn)}>{x.name}</Link>
              </td>
              <td>
                <StatusBadge status={x.status} />
              </td>
              <td>{formatDate(x.startDate)}</td>
              <td>{formatDate(x.stopDate)}</td>
            </tr>
          ))}
          {!executions.length && !first.loading && (
            <tr>
              <td colSpan={4} class="muted">
                No executions{filter ? " with this status" : ""}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {next && (
        <button type="button" onClick={more}>
          Load more
        </button>
      )}
    </section>
  );
}

interface Version {
  stateMachineVersionArn: string;
  creationDate: number;
}
interface Alias {
  stateMachineAliasArn: string;
  creationDate: number;
}

/** Published versions and aliases; each can be started like the state machine itself. */
function VersionsAndAliases({ arn, express }: { arn: string; express: boolean }) {
  const data = useAsync(
    async () => {
      const [versions, aliases] = await Promise.all([
        listAll<Version>("ListStateMachineVersions", "stateMachineVersions", { stateMachineArn: arn }),
        listAll<Alias>("ListStateMachineAliases", "stateMachineAliases", { stateMachineArn: arn }),
      ]);
      return { versions, aliases };
    },
    [arn],
  );
  const [starting, setStarting] = useState<string | null>(null);
  if (data.error) return <ErrorBox error={data.error} title="Could not list the versions and aliases." />;
  if (!data.data || (!data.data.versions.length && !data.data.aliases.length)) return null;
  const rows = [
    ...data.data.versions.map((v) => ({ kind: "Version", arn: v.stateMachineVersionArn, created: v.creationDate })),
    ...data.data.aliases.map((a) => ({ kind: "Alias", arn: a.stateMachineAliasArn, created: a.creationDate })),
  ];
  return (
    <section>
      <h2>Versions and aliases</h2>
      <table class="table" aria-label="Versions and aliases">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Creation date</th>
            <th>
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td class="mono">{r.arn.split(":").slice(7).join(":")}</td>
              <td>{r.kind}</td>
              <td>{formatDate(r.created)}</td>
              <td class="right">
                <button type="button" class="small" onClick={() => setStarting(r.arn)}>
                  Start execution
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {starting && <StartDialog arn={starting} express={express} onClose={() => setStarting(null)} />}
    </section>
  );
}

const DEFAULT_INPUT = `{
  "Comment": "Insert your JSON here"
}`;

interface SyncResult {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate: number;
}

/** Starts an execution and opens its page; an Express one runs synchronously
 *  (StartSyncExecution) and its result is shown here, since it has no page to open. */
export function StartDialog({
  arn,
  onClose,
  express = false,
  initialInput = DEFAULT_INPUT,
}: {
  arn: string;
  onClose: () => void;
  express?: boolean;
  initialInput?: string;
}) {
  const [result, setResult] = useState<SyncResult | null>(null);
  const [name, setName] = useState(uuid());
  const [input, setInput] = useState(initialInput);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = jsonProblem(input);
  const start = async (e: Event) => {
    e.preventDefault();
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      if (express) {
        setResult(await call<SyncResult>("StartSyncExecution", { stateMachineArn: arn, name, input }));
        setName(uuid());
        setBusy(false);
        return;
      }
      const r = await call<{ executionArn: string }>("StartExecution", { stateMachineArn: arn, name, input });
      navigate(paths.execution(r.executionArn));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title="Start execution" onClose={onClose}>
      <form onSubmit={start} class="start">
        <label>
          Name
          <input name="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Input
          <textarea
            name="input"
            rows={10}
            spellcheck={false}
            value={input}
            aria-invalid={!!problem}
            onInput={(e) => setInput((e.target as HTMLTextAreaElement).value)}
          />
        </label>
        {problem && (
          <span class="field-error" role="alert">
            The input is not valid JSON: {problem}
          </span>
        )}
        {error ? <div class="alert error" role="alert">{describe(error)}</div> : null}
        {result && (
          <div class="sync-result" aria-label="Execution result">
            <div>
              <StatusBadge status={result.status} /> <span class="muted">in {formatDuration(result.startDate, result.stopDate)}</span>
            </div>
            {result.error !== undefined || result.cause !== undefined ? (
              <div class="alert error">
                <div>
                  <strong>Error</strong> <span class="mono">{result.error}</span>
                </div>
                <div>
                  <strong>Cause</strong> <span class="mono pre">{result.cause}</span>
                </div>
              </div>
            ) : (
              <pre class="json" aria-label="Output">
                {pretty(result.output)}
              </pre>
            )}
          </div>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={() => !problem && setInput(JSON.stringify(JSON.parse(input), null, 2))} disabled={!!problem}>
            Format JSON
          </button>
          <span class="grow" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !!problem}>
            Start execution
          </button>
        </div>
      </form>
    </Dialog>
  );
}
