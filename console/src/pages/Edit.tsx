// Edit a state machine's definition: the text in CodeMirror (JSON syntax, line numbers), the server's diagnostics
// (ValidateStateMachineDefinition, asked again as you pause typing) shown at their lines,
// the graph redrawn beside it, then UpdateStateMachine — optionally publishing a version.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { call, type StateMachine } from "../api";
import { ErrorBox, Link, Loading, NotFound, isNotFound, jsonProblem, useAsync } from "../components";
import { Graph } from "../graph/Graph";
import { graphOf } from "../graph/model";
import { lineOf } from "../jsonpos";
import { navigate, paths } from "../router";
import type { EditorHandle, LineProblem } from "../editor";

interface Diagnostic {
  severity: "ERROR" | "WARNING";
  code: string;
  message: string;
  location?: string;
  line?: number | null;
}

const PAUSE_MS = 350;

export function EditPage({ arn }: { arn: string }) {
  const machine = useAsync(() => call<StateMachine>("DescribeStateMachine", { stateMachineArn: arn }), [arn]);
  if (machine.error && isNotFound(machine.error)) return <NotFound what="State machine" detail={arn} />;
  if (machine.error) return <ErrorBox error={machine.error} title="Could not load the state machine." />;
  if (!machine.data) return <Loading />;
  return <Editor machine={machine.data} />;
}

function Editor({ machine }: { machine: StateMachine }) {
  const [text, setText] = useState(() => {
    try {
      return JSON.stringify(JSON.parse(machine.definition), null, 2);
    } catch {
      return machine.definition;
    }
  });
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [checkError, setCheckError] = useState<unknown>(null);
  /** The text the diagnostics are about: until it is the text shown, they are not news. */
  const [checked, setChecked] = useState<string | null>(null);
  const [publish, setPublish] = useState(false);
  const [description, setDescription] = useState("");
  const [saveError, setSaveError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const syntax = jsonProblem(text);
  const syntaxLine = syntax ? Number(/line (\d+)/.exec(syntax)?.[1] ?? 0) || null : null;

  useEffect(() => {
    if (syntax) {
      setDiagnostics([]);
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      try {
        const r = await call<{ diagnostics: Diagnostic[] }>("ValidateStateMachineDefinition", { definition: text, type: machine.type });
        if (live) {
          setDiagnostics(r.diagnostics.map((d) => ({ ...d, line: lineOf(text, d.location) })));
          setChecked(text);
          setCheckError(null);
        }
      } catch (e) {
        if (live) setCheckError(e);
      }
    }, PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);

  const graph = useMemo(() => {
    try {
      return graphOf(text);
    } catch {
      return null;
    }
  }, [text]);
  const errors = diagnostics.filter((d) => d.severity === "ERROR");
  const current = !syntax && checked === text;
  const problems = useMemo<LineProblem[]>(() => {
    const list: LineProblem[] = [];
    if (syntaxLine) list.push({ line: syntaxLine, severity: "error", message: `Not JSON: ${syntax}` });
    for (const d of diagnostics)
      if (d.line) list.push({ line: d.line, severity: d.severity === "ERROR" ? "error" : "warning", message: `${d.code}: ${d.message}` });
    return list;
  }, [diagnostics, syntaxLine, syntax]);

  const save = async () => {
    setBusy(true);
    setSaveError(null);
    try {
      await call("UpdateStateMachine", {
        stateMachineArn: machine.stateMachineArn,
        definition: text,
        ...(publish ? { publish: true, ...(description ? { versionDescription: description } : {}) } : {}),
      });
      navigate(paths.machine(machine.stateMachineArn));
    } catch (e) {
      setSaveError(e);
      setBusy(false);
    }
  };

  return (
    <section>
      <nav class="crumbs">
        <Link href={paths.list}>State machines</Link> › <Link href={paths.machine(machine.stateMachineArn)}>{machine.name}</Link> › Edit
      </nav>
      <div class="page-head">
        <h1>Edit {machine.name}</h1>
        <div class="actions">
          <label class="inline">
            <input type="checkbox" checked={publish} onChange={(e) => setPublish((e.target as HTMLInputElement).checked)} /> Publish a version
          </label>
          {publish && (
            <input aria-label="Version description" placeholder="Version description" value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />
          )}
          <button type="button" onClick={() => navigate(paths.machine(machine.stateMachineArn))}>
            Cancel
          </button>
          <button type="button" class="primary" disabled={busy || !current || errors.length > 0} onClick={save}>
            Save
          </button>
        </div>
      </div>
      <ErrorBox error={saveError} title="Could not save." />
      <ErrorBox error={checkError} title="Could not validate the definition." />
      <div class="split">
        <div>
          <div class="label">Definition</div>
          <CodeEditor text={text} onInput={setText} problems={problems} />
          <ul class="diagnostics" aria-label="Diagnostics">
            {syntax && (
              <li class="error" data-line={syntaxLine ?? undefined}>
                {syntaxLine ? <span class="at">Line {syntaxLine}</span> : null} Not JSON: {syntax}
              </li>
            )}
            {diagnostics.map((d) => (
              <li class={d.severity === "ERROR" ? "error" : "warning"} data-line={d.line ?? undefined}>
                {d.line ? <span class="at">Line {d.line}</span> : null} <strong>{d.code}</strong> {d.message}
                {d.location && d.location !== "null" ? <span class="muted mono"> at {d.location}</span> : null}
              </li>
            ))}
            {current && !diagnostics.length && <li class="ok">No problems found.</li>}
            {!syntax && !current && !checkError && <li class="muted">Checking…</li>}
          </ul>
        </div>
        <div>
          <div class="label">Graph</div>
          {graph ? <Graph graph={graph} height="62vh" /> : <p class="muted">The graph returns once the definition is JSON with States.</p>}
        </div>
      </div>
    </section>
  );
}

/** CodeMirror, loaded when the page opens; problems are marked at their lines. */
function CodeEditor({ text, onInput, problems }: { text: string; onInput: (t: string) => void; problems: LineProblem[] }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<EditorHandle | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const latest = useRef(onInput);
  latest.current = onInput;
  useEffect(() => {
    let live = true;
    import("../editor").then(
      ({ mountEditor }) => {
        if (!live || !host.current) return;
        editor.current = mountEditor(host.current, text, (t) => latest.current(t), "Definition");
        editor.current.problems(problems);
      },
      (e) => setFailed(e),
    );
    return () => {
      live = false;
      editor.current?.destroy();
      editor.current = null;
    };
  }, []);
  useEffect(() => editor.current?.problems(problems), [problems]);
  if (failed) return <ErrorBox error={failed} title="Could not load the editor." />;
  return <div class="code" ref={host} />;
}
