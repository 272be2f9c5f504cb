// The pieces every page uses: links that route, error messages, status badges, dialogs.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, NOT_FOUND_CODES, STATUS_WORDS } from "./api";
import { onLinkClick, paths } from "./router";

export function Link({ href, children, class: cls }: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={href} class={cls} onClick={onLinkClick}>
      {children}
    </a>
  );
}

export function describe(e: unknown): string {
  if (e instanceof ApiError) return e.describe();
  if (e instanceof Error) return e.message;
  return String(e);
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && NOT_FOUND_CODES.includes(e.code);
}

export function ErrorBox({ error, title = "Error" }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div class="alert error" role="alert">
      <strong>{title}</strong> {describe(error)}
    </div>
  );
}

export function NotFound({ what, detail }: { what: string; detail?: string }) {
  return (
    <section class="not-found" role="alert">
      <h1>{what} not found</h1>
      {detail && <p class="mono">{detail}</p>}
      <p>
        <Link href={paths.list}>Back to State machines</Link>
      </p>
    </section>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{STATUS_WORDS[status] ?? status}</span>;
}

export function Loading() {
  return <p class="muted" aria-busy="true">Loading…</p>;
}

export function Json({ text, label }: { text?: string; label: string }) {
  return (
    <pre class="json" aria-label={label} tabIndex={0}>
      {text ?? ""}
    </pre>
  );
}

/** A modal dialog on the native <dialog> element (focus trap and Escape for free). */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} onCancel={onClose}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

/** Loads `load()` when its dependencies change; `reload` runs it again. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const run = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** A JSON text checked as the user types: the message names the line and column. */
export function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const message = (e as Error).message;
    const m = /position (\d+)/.exec(message);
    if (m) {
      const at = Number(m[1]);
      const before = text.slice(0, at).split("\n");
      return `${message.replace(/ in JSON at position \d+.*$/, "")} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    }
    return message;
  }
}
