// History-API routing: every page has a URL of its own (bookmarkable, back and forward
// work); the server answers every console path with index.html and this module reads it.
import { useEffect, useState } from "preact/hooks";

const NAVIGATE = "stepwise:navigate";

export function navigate(path: string, replace = false) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event(NAVIGATE));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => {
      setPath(location.pathname);
      window.scrollTo(0, 0);
    };
    window.addEventListener("popstate", update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return path;
}

/** A page's URL. ARNs keep their colons: `/executions/arn:aws:states:…:execution:M:run-1`. */
export const paths = {
  list: "/",
  create: "/create",
  functions: "/functions",
  machine: (arn: string) => `/state-machines/${encodeURIComponent(arn).replace(/%3A/g, ":")}`,
  edit: (arn: string) => `${paths.machine(arn)}/edit`,
  execution: (arn: string) => `/executions/${encodeURIComponent(arn).replace(/%3A/g, ":")}`,
};

export type Route =
  | { page: "list" }
  | { page: "create" }
  | { page: "functions" }
  | { page: "machine"; arn: string }
  | { page: "edit"; arn: string }
  | { page: "execution"; arn: string }
  | { page: "unknown"; path: string };

export function route(path: string): Route {
  const clean = path.replace(/\/+$/, "") || "/";
  if (clean === "/" || clean === "/state-machines") return { page: "list" };
  if (clean === "/create") return { page: "create" };
  if (clean === "/functions") return { page: "functions" };
  const edit = /^\/state-machines\/(.+)\/edit$/.exec(clean);
  if (edit) return { page: "edit", arn: decode(edit[1]) };
  const m = /^\/(state-machines|executions)\/(.+)$/.exec(clean);
  if (m) {
    let arn = m[2];
    try {
      arn = decodeURIComponent(arn);
    } catch {
      /* a malformed escape: the ARN is looked up as typed and not found */
    }
    return { page: m[1] === "executions" ? "execution" : "machine", arn };
  }
  return { page: "unknown", path };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** An anchor that navigates without reloading (a modified click opens a tab as usual). */
export function onLinkClick(e: MouseEvent) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLAnchorElement) ?? null;
  if (!a || a.target) return;
  e.preventDefault();
  navigate(a.getAttribute("href") ?? "/");
}
