// The public Step Functions API (AWS JSON 1.0), as every SDK speaks it: POST / with
// X-Amz-Target: AWSStepFunctions.<Action>. The console uses nothing else. Requests go
// unsigned: `stepwise serve` accepts any credentials unless it was started with --auth,
// in which case every call fails with the server's authentication error, shown as is.

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
  /** The error as a person reads it: "StateMachineDoesNotExist: State Machine Does Not Exist: …". */
  describe(): string {
    return this.message ? `${this.code}: ${this.message}` : this.code;
  }
}

/** Errors that mean "this ARN names nothing" (a malformed ARN in a URL names nothing either). */
export const NOT_FOUND_CODES = ["StateMachineDoesNotExist", "ExecutionDoesNotExist", "ResourceNotFound", "InvalidArn"];

/** Errors of a server that requires SigV4, which the console does not sign. */
const AUTH_CODES = [
  "MissingAuthenticationTokenException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "IncompleteSignatureException",
  "AccessDeniedException",
];

export async function call<T = any>(action: string, params: object = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch("/", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": `AWSStepFunctions.${action}`,
      },
      body: JSON.stringify(params),
    });
  } catch (e) {
    throw new ApiError("NetworkError", `The server did not answer ${action} (${String(e)}). Is stepwise serve running?`, 0);
  }
  const text = await response.text();
  let body: any = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError("InvalidResponse", `${action} answered HTTP ${response.status} with no JSON: ${text.slice(0, 200)}`, response.status);
  }
  if (!response.ok) {
    const type = String(body.__type ?? body.code ?? `HTTP ${response.status}`);
    const code = type.includes("#") ? type.slice(type.lastIndexOf("#") + 1) : type;
    let message = String(body.message ?? body.Message ?? "");
    if (AUTH_CODES.includes(code)) {
      message += " (this server requires AWS Signature Version 4 — it was started with --auth — and the console sends unsigned requests; start it without --auth to use the console)";
    }
    throw new ApiError(code, message, response.status);
  }
  return body as T;
}

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: "STANDARD" | "EXPRESS";
  creationDate: number;
}

export interface StateMachine {
  stateMachineArn: string;
  name: string;
  status?: string;
  definition: string;
  roleArn: string;
  type: "STANDARD" | "EXPRESS";
  creationDate: number;
  description?: string;
  revisionId?: string;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
}

export interface Execution extends ExecutionListItem {
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  timestamp: number;
  type: string;
  [details: string]: any;
}

/** Every page of a listing, up to `limit` items. */
export async function listAll<T>(action: string, key: string, params: object = {}, limit = 10000): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page: any = await call(action, { ...params, ...(nextToken ? { nextToken } : {}) });
    items.push(...(page[key] ?? []));
    nextToken = page.nextToken;
  } while (nextToken && items.length < limit);
  return items;
}

export const history = (executionArn: string) =>
  listAll<HistoryEvent>("GetExecutionHistory", "events", { executionArn, includeExecutionData: true, maxResults: 1000 });

/** AWS's words for an execution's status. */
export const STATUS_WORDS: Record<string, string> = {
  RUNNING: "Running",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  TIMED_OUT: "Timed out",
  ABORTED: "Aborted",
  PENDING_REDRIVE: "Pending redrive",
};

export const TYPE_WORDS: Record<string, string> = { STANDARD: "Standard", EXPRESS: "Express" };

/** Epoch seconds (the wire's timestamps) as a local date and time. */
export function formatDate(seconds?: number): string {
  if (seconds === undefined || seconds === null) return "–";
  const d = new Date(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDuration(from?: number, to?: number): string {
  if (from === undefined || to === undefined) return "–";
  const ms = Math.max(0, Math.round((to - from) * 1000));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(3)} s`;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min ${s % 60} s` : `${m} min ${s % 60} s`;
}

/** Pretty JSON when the text is JSON, else the text itself. */
export function pretty(text?: string | null): string {
  if (text === undefined || text === null) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A version 4 UUID, also where crypto.randomUUID is missing (plain http on another host). */
export function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
