// "Functions": the Lambda functions the server runs, from Lambda's public REST API
// (GET /2015-03-31/functions/, as the aws CLI's `lambda list-functions` calls it). A server
// without the Lambda API answers that path with 404, and the page says functions are not
// available rather than failing.
import { formatDate } from "../api";
import { ErrorBox, Loading, useAsync } from "../components";

interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Handler?: string;
  CodeSize?: number;
  MemorySize?: number;
  Timeout?: number;
  LastModified?: string;
  PackageType?: string;
}

class Unavailable extends Error {}

async function listFunctions(): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const r = await fetch(`/2015-03-31/functions/?MaxItems=50${marker ? `&Marker=${encodeURIComponent(marker)}` : ""}`);
    if (r.status === 404 || r.status === 405) throw new Unavailable();
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      const type = r.headers.get("x-amzn-errortype")?.split(":")[0] ?? body.__type ?? `HTTP ${r.status}`;
      throw new Error(`${type}: ${body.message ?? body.Message ?? ""}`);
    }
    all.push(...(body.Functions ?? []));
    marker = body.NextMarker ?? undefined;
  } while (marker);
  return all;
}

export function Functions() {
  const list = useAsync(listFunctions, []);
  return (
    <section>
      <div class="page-head">
        <h1>Functions</h1>
        <div class="actions">
          <button type="button" onClick={() => list.reload()}>
            Refresh
          </button>
        </div>
      </div>
      {list.error instanceof Unavailable ? (
        <p class="alert warning" role="status">
          Functions are not available on this server: it does not serve the Lambda API yet.
        </p>
      ) : (
        <ErrorBox error={list.error} title="Could not list the functions." />
      )}
      {list.loading && !list.data && !list.error && <Loading />}
      {list.data && (
        <table class="table" aria-label="Functions">
          <thead>
            <tr>
              <th>Function name</th>
              <th>Runtime</th>
              <th>Handler</th>
              <th>Memory (MB)</th>
              <th>Timeout (s)</th>
              <th>Last modified</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((f) => (
              <tr key={f.FunctionArn}>
                <td>{f.FunctionName}</td>
                <td>{f.Runtime ?? f.PackageType ?? ""}</td>
                <td class="mono">{f.Handler ?? ""}</td>
                <td>{f.MemorySize ?? ""}</td>
                <td>{f.Timeout ?? ""}</td>
                <td>{f.LastModified ? formatDate(Date.parse(f.LastModified) / 1000) : ""}</td>
              </tr>
            ))}
            {!list.data.length && (
              <tr>
                <td colSpan={6} class="muted">
                  No functions yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
