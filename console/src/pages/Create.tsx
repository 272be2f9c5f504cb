// "Create state machine": name, type, definition (with its graph drawn beside it as you
// type), role ARN. The server validates the definition; its diagnostics are shown as is.
import { useMemo, useState } from "preact/hooks";
import { call } from "../api";
import { ErrorBox, Link, jsonProblem } from "../components";
import { Graph } from "../graph/Graph";
import { graphOf } from "../graph/model";
import { navigate, paths } from "../router";

export const HELLO_WORLD = `{
  "Comment": "A Hello World example of the Amazon States Language using Pass states",
  "StartAt": "Hello",
  "States": {
    "Hello": {
      "Type": "Pass",
      "Result": "Hello",
      "Next": "World"
    },
    "World": {
      "Type": "Pass",
      "Result": "World",
      "End": true
    }
  }
}`;

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export function CreateStateMachine() {
  const [name, setName] = useState(`MyStateMachine-${Math.random().toString(36).slice(2, 8)}`);
  const [type, setType] = useState<"STANDARD" | "EXPRESS">("STANDARD");
  const [definition, setDefinition] = useState(HELLO_WORLD);
  const [role, setRole] = useState("arn:aws:iam::123456789012:role/service-role/StepFunctions-console-role");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = jsonProblem(definition);
  const nameProblem = NAME.test(name) ? null : "1 to 80 characters: letters, digits, hyphens and underscores.";
  const graph = useMemo(() => {
    try {
      return graphOf(definition);
    } catch {
      return null;
    }
  }, [definition]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem || nameProblem) return;
    setBusy(true);
    setError(null);
    try {
      const r = await call<{ stateMachineArn: string }>("CreateStateMachine", { name, type, definition, roleArn: role });
      navigate(paths.machine(r.stateMachineArn));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section>
      <nav class="crumbs">
        <Link href={paths.list}>State machines</Link> › Create state machine
      </nav>
      <h1>Create state machine</h1>
      <form onSubmit={submit} class="create">
        <div class="fields">
          <label>
            Name
            <input name="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} aria-invalid={!!nameProblem} />
            {nameProblem && <span class="field-error">{nameProblem}</span>}
          </label>
          <fieldset>
            <legend>Type</legend>
            {(["STANDARD", "EXPRESS"] as const).map((t) => (
              <label class="inline">
                <input type="radio" name="type" value={t} checked={type === t} onChange={() => setType(t)} /> {t === "STANDARD" ? "Standard" : "Express"}
              </label>
            ))}
          </fieldset>
          <label>
            Role ARN
            <input name="roleArn" value={role} onInput={(e) => setRole((e.target as HTMLInputElement).value)} />
          </label>
        </div>
        <div class="split">
          <label class="editor">
            Definition
            <textarea
              name="definition"
              spellcheck={false}
              value={definition}
              onInput={(e) => setDefinition((e.target as HTMLTextAreaElement).value)}
              aria-invalid={!!problem}
            />
            {problem && <span class="field-error" role="alert">{problem}</span>}
          </label>
          <div>
            <div class="label">Graph</div>
            {graph ? <Graph graph={graph} height="52vh" /> : <p class="muted">The graph appears once the definition is JSON with States.</p>}
          </div>
        </div>
        <ErrorBox error={error} title="Could not create the state machine." />
        <div class="form-actions">
          <button type="button" onClick={() => navigate(paths.list)}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !!problem || !!nameProblem}>
            Create state machine
          </button>
        </div>
      </form>
    </section>
  );
}
