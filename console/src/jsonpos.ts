// Where a JSON Pointer (`/States/A/Next`, as ValidateStateMachineDefinition's diagnostics
// locate problems) is in a JSON text: the line of the key (or array element) it names, so a
// diagnostic can be shown at its line. A small scanner; text that is not JSON gives nothing.

export function lineOf(text: string, pointer: string | null | undefined): number | null {
  if (!pointer || pointer === "null") return null;
  const want = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const lines = lineStarts(text);
  let best: number | null = null;
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const str = (): string => {
    let out = "";
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        const next = text[i + 1];
        if (next === "u") {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        out += ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[next] ?? next;
        i += 2;
        continue;
      }
      out += text[i++];
    }
    i++;
    return out;
  };
  // Walks a value at `path`; records the line of the deepest prefix of `want` seen.
  const value = (depth: number, matching: boolean): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      while (i < text.length && text[i] !== "}") {
        ws();
        const at = i;
        const key = str();
        const hit = matching && depth < want.length && key === want[depth];
        if (hit) best = line(lines, at);
        ws();
        i++; // colon
        value(depth + 1, hit);
        ws();
        if (text[i] === ",") i++;
        ws();
      }
      i++;
    } else if (c === "[") {
      i++;
      let index = 0;
      ws();
      while (i < text.length && text[i] !== "]") {
        ws();
        const hit = matching && depth < want.length && String(index) === want[depth];
        if (hit) best = line(lines, i);
        value(depth + 1, hit);
        ws();
        if (text[i] === ",") i++;
        ws();
        index++;
      }
      i++;
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !",}] \t\n\r".includes(text[i])) i++;
    }
  };
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  value(0, true);
  return best;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset. */
function line(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
