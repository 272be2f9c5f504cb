// "State machines": every state machine (all pages of ListStateMachines), a search by name,
// "Create state machine", and delete.
import { useState } from "preact/hooks";
import { call, formatDate, listAll, STATUS_WORDS, type StateMachineListItem, TYPE_WORDS } from "../api";
import { Dialog, ErrorBox, Link, Loading, describe, useAsync } from "../components";
import { navigate, paths } from "../router";

export function StateMachines() {
  const list = useAsync(() => listAll<StateMachineListItem>("ListStateMachines", "stateMachines", { maxResults: 1000 }), []);
  const [search, setSearch] = useState("");
  const [deleting, setDeleting] = useState<StateMachineListItem | null>(null);
  const machines = (list.data ?? []).filter((m) => m.name.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <section>
      <div class="page-head">
        <h1>
          State machines <span class="count">({list.data?.length ?? "…"})</span>
        </h1>
        <div class="actions">
          <button type="button" onClick={() => list.reload()} title="Refresh">
            Refresh
          </button>
          <button type="button" class="primary" onClick={() => navigate(paths.create)}>
            Create state machine
          </button>
        </div>
      </div>
      <input
        type="search"
        class="search"
        placeholder="Search for state machines"
        aria-label="Search for state machines"
        value={search}
        onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
      />
      <ErrorBox error={list.error} title="Could not list the state machines." />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Creation date</th>
              <th>Recent executions</th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {machines.map((m) => (
              <tr key={m.stateMachineArn}>
                <td>
                  <Link href={paths.machine(m.stateMachineArn)}>{m.name}</Link>
                </td>
                <td>{TYPE_WORDS[m.type] ?? m.type}</td>
                <td>{formatDate(m.creationDate)}</td>
                <td>{m.type === "STANDARD" ? <RecentCounts arn={m.stateMachineArn} /> : <span class="muted">not listed</span>}</td>
                <td class="right">
                  <button type="button" class="danger small" aria-label={`Delete ${m.name}`} onClick={() => setDeleting(m)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {!machines.length && (
              <tr>
                <td colSpan={5} class="muted">
                  {search ? "No state machine matches the search." : "No state machines yet. Create one to start."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {deleting && (
        <DeleteDialog
          name={deleting.name}
          arn={deleting.stateMachineArn}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setDeleting(null);
            list.reload();
          }}
        />
      )}
    </section>
  );
}

/** How many of the last 100 executions are in each status (ListExecutions' newest page). */
const RECENT = 100;

function RecentCounts({ arn }: { arn: string }) {
  const recent = useAsync(() => call<{ executions: { status: string }[] }>("ListExecutions", { stateMachineArn: arn, maxResults: RECENT }), [arn]);
  if (recent.error) return <span class="muted" title={describe(recent.error)}>–</span>;
  if (!recent.data) return <span class="muted">…</span>;
  const counts = new Map<string, number>();
  for (const x of recent.data.executions) counts.set(x.status, (counts.get(x.status) ?? 0) + 1);
  if (!counts.size) return <span class="muted">none</span>;
  return (
    <span class="counts" aria-label="Recent executions">
      {["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
        .filter((st) => counts.has(st))
        .map((st) => (
          <span class={`count-chip status-${st.toLowerCase()}`} title={`${counts.get(st)} ${STATUS_WORDS[st]} of the last ${RECENT}`}>
            {counts.get(st)} {STATUS_WORDS[st]}
          </span>
        ))}
    </span>
  );
}

export function DeleteDialog({ name, arn, onClose, onDeleted }: { name: string; arn: string; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await call("DeleteStateMachine", { stateMachineArn: arn });
      onDeleted();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Delete ${name}?`} onClose={onClose}>
      <p>
        The state machine <strong>{name}</strong> is deleted; executions still running go on until they end.
      </p>
      {error ? <div class="alert error" role="alert">{describe(error)}</div> : null}
      <div class="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={busy} onClick={remove}>
          Delete
        </button>
      </div>
    </Dialog>
  );
}
