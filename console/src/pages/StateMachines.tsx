// "State machines": every state machine (all pages of ListStateMachines), a search by name,
// "Create state machine", and delete.
import { useState } from "preact/hooks";
import { call, formatDate, listAll, type StateMachineListItem, TYPE_WORDS } from "../api";
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
                <td class="right">
                  <button type="button" class="danger small" aria-label={`Delete ${m.name}`} onClick={() => setDeleting(m)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {!machines.length && (
              <tr>
                <td colSpan={4} class="muted">
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
