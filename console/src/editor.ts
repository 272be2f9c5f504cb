// The definition editor: CodeMirror 6 with JSON syntax, line numbers and lint markers. Loaded
// on demand (the Edit page imports it), so the other pages do not carry it.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, indentOnInput } from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";

export interface LineProblem {
  line: number;
  severity: "error" | "warning";
  message: string;
}

export interface EditorHandle {
  /** Marks each problem's line (underlined, with a gutter marker and the message on hover). */
  problems(list: LineProblem[]): void;
  destroy(): void;
}

export function mountEditor(parent: HTMLElement, text: string, onChange: (text: string) => void, label: string): EditorHandle {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        indentOnInput(),
        bracketMatching(),
        json(),
        lintGutter(),
        oneDark,
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
        EditorView.theme({ "&": { height: "100%" }, ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", fontSize: "12.5px" } }),
      ],
    }),
  });
  return {
    problems(list) {
      const doc = view.state.doc;
      const diagnostics: Diagnostic[] = list
        .filter((p) => p.line >= 1 && p.line <= doc.lines)
        .map((p) => {
          const line = doc.line(p.line);
          const indent = line.text.length - line.text.trimStart().length;
          const to = line.text.trimEnd().length === 0 ? line.to : line.from + line.text.trimEnd().length;
          return { from: Math.min(line.from + indent, to), to, severity: p.severity, message: p.message };
        });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    destroy: () => view.destroy(),
  };
}
