// The console in a real browser against a real server: Debian's Chromium driven by
// playwright-core, `stepwise serve` (the release binary unless STEPWISE_BIN says otherwise)
// on a free port with a fresh data directory. Nothing is mocked.
//
//   npm run test:e2e            (from console/; after `cargo build --release`)
//
// STEPWISE_SCREENSHOTS=../docs also writes the README's screenshots there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const binary = process.env.STEPWISE_BIN ?? join(root, "target/release/stepwise");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shots = process.env.STEPWISE_SCREENSHOTS;
/** Generous: the machine may be loaded; the waits end as soon as the page is right. */
const WAIT = 30_000;

let server;
let base;
let context;
let page;
const scratch = mkdtempSync(join(tmpdir(), "stepwise-console-e2e-"));

before(async () => {
  assert.ok(existsSync(binary), `no stepwise binary at ${binary} (cargo build --release, or set STEPWISE_BIN)`);
  assert.ok(existsSync(browserPath), `no Chromium at ${browserPath} (apt-get install chromium, or set CHROMIUM)`);
  server = spawn(binary, ["serve", "--address", "127.0.0.1:0", "--data-dir", join(scratch, "data")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stderr.on("data", (d) => (log += d));
  base = await new Promise((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`stepwise serve did not start:\n${out}\n${log}`)), WAIT);
    server.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    server.on("exit", (code) => fail(new Error(`stepwise serve exited (${code}):\n${out}\n${log}`)));
  });
  context = await chromium.launchPersistentContext(join(scratch, "profile"), {
    executablePath: browserPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1440, height: 1000 },
  });
  context.setDefaultTimeout(WAIT);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => console.error("page error:", e));
});

after(async () => {
  await context?.close();
  server?.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
});

const ORDER = {
  Comment: "Pass, Choice, Parallel and Map: every state succeeds.",
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Pass", Parameters: { "items.$": "$.items", "greeting.$": "States.Format('Hello, {}!', $.who)" }, Next: "Enough?" },
    "Enough?": {
      Type: "Choice",
      Choices: [{ Variable: "$.greeting", StringEquals: "nobody", Next: "Nobody" }],
      Default: "Both",
    },
    Nobody: { Type: "Fail", Error: "Nobody", Cause: "nobody to greet" },
    Both: {
      Type: "Parallel",
      Branches: [
        { StartAt: "Left", States: { Left: { Type: "Pass", Result: "left", End: true } } },
        { StartAt: "Right", States: { Right: { Type: "Pass", Result: "right", End: true } } },
      ],
      ResultPath: "$.sides",
      Next: "Each",
    },
    Each: {
      Type: "Map",
      ItemsPath: "$.items",
      ItemProcessor: { StartAt: "Double", States: { Double: { Type: "Pass", Parameters: { "n.$": "$" }, End: true } } },
      ResultPath: "$.doubled",
      Next: "Done",
    },
    Done: { Type: "Succeed" },
  },
};

const BROKEN = {
  StartAt: "Call",
  States: {
    Call: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "no-such-function", "Payload.$": "$" },
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.problem", Next: "Check" }],
      Next: "Check",
    },
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.problem", IsPresent: true, Next: "Broken" }],
      Default: "Fine",
    },
    Fine: { Type: "Succeed" },
    Broken: { Type: "Fail", Error: "OrderBroken", Cause: "the order could not be checked" },
  },
};

async function createThroughConsole(name, definition) {
  await page.goto(base + "/");
  await page.getByRole("button", { name: "Create state machine" }).click();
  await page.waitForURL(/\/create$/);
  await page.locator('input[name="name"]').fill(name);
  await page.locator('textarea[name="definition"]').fill(JSON.stringify(definition, null, 2));
  await page.locator('form.create button[type="submit"]').click();
  await page.waitForURL(/\/state-machines\/arn:aws:states:/);
  await page.getByRole("heading", { name }).waitFor();
}

async function startThroughConsole(input) {
  await page.getByRole("button", { name: "Start execution" }).click();
  const dialog = page.getByRole("dialog", { name: "Start execution" });
  const prefilled = await dialog.locator('input[name="name"]').inputValue();
  assert.match(prefilled, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // Not JSON: said where, and nothing can be sent.
  await dialog.locator('textarea[name="input"]').fill('{"who": ');
  await dialog.getByText("The input is not valid JSON").waitFor();
  assert.equal(await dialog.locator('button[type="submit"]').isDisabled(), true);
  await dialog.locator('textarea[name="input"]').fill(JSON.stringify(input));
  await dialog.locator('button[type="submit"]').click();
  await page.waitForURL(/\/executions\/arn:aws:states:/);
  return prefilled;
}

test("create a state machine, start an execution, watch its states succeed, open a state's output", async () => {
  await createThroughConsole("ConsoleOrder", ORDER);
  // The definition's graph: every state by name, nested ones too.
  for (const name of ["Prepare", "Enough?", "Nobody", "Both", "Left", "Right", "Each", "Double", "Done"]) {
    await page.locator(`[aria-label="${name}"]`).waitFor();
  }
  if (shots) await page.screenshot({ path: join(shots, "console-state-machine.png") });
  const name = await startThroughConsole({ who: "world", items: [1, 2, 3] });
  await page.getByRole("heading", { name }).waitFor();
  for (const state of ["Prepare", "Enough?", "Both", "Left", "Right", "Each", "Double", "Done"]) {
    await page.locator(`[aria-label="${state}: Succeeded"]`).waitFor();
  }
  await page.locator('[aria-label="Nobody: Not run"]').waitFor();
  await page.locator('[aria-label="Execution status"]').getByText("Succeeded").waitFor();
  await page.locator('[aria-label="Prepare: Succeeded"]').click();
  const output = page.getByRole("complementary", { name: "State Prepare" }).getByLabel("State output");
  await output.getByText('"greeting": "Hello, world!"').waitFor();
  assert.deepEqual(JSON.parse(await output.innerText()), { items: [1, 2, 3], greeting: "Hello, world!" });
  // The map ran its state once per item; each entry can be inspected.
  await page.locator('[aria-label="Double: Succeeded"]').click();
  const entries = page.getByRole("complementary", { name: "State Double" }).getByLabel("Entry");
  assert.equal(await entries.locator("option").count(), 3);
  // The event view lists the history.
  await page.getByRole("tab", { name: "Events" }).click();
  await page.getByRole("table", { name: "Events" }).getByText("ExecutionSucceeded", { exact: true }).waitFor();
  // The list of executions on the state machine's page has it, and filters by status.
  await page.getByRole("link", { name: "ConsoleOrder" }).click();
  await page.getByRole("link", { name }).waitFor();
  await page.getByLabel("Status filter").selectOption("FAILED");
  await page.getByText("No executions with this status.").waitFor();
  await page.getByLabel("Status filter").selectOption("SUCCEEDED");
  await page.getByRole("link", { name }).click();
  // "New execution" starts another with the same input.
  await page.getByRole("button", { name: "New execution" }).click();
  const dialog = page.getByRole("dialog", { name: "Start execution" });
  assert.deepEqual(JSON.parse(await dialog.locator('textarea[name="input"]').inputValue()), { who: "world", items: [1, 2, 3] });
  await dialog.locator('button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.endsWith(name));
  await page.locator('[aria-label="Done: Succeeded"]').waitFor();
});

test("a failing execution shows the failed state red with its error and cause, the caught one orange", async () => {
  await createThroughConsole("ConsoleBroken", BROKEN);
  await startThroughConsole({ order: 7 });
  await page.locator('[aria-label="Broken: Failed"]').waitFor();
  await page.locator('[aria-label="Call: Caught error"]').waitFor();
  await page.locator('[aria-label="Check: Succeeded"]').waitFor();
  await page.locator('[aria-label="Fine: Not run"]').waitFor();
  const execError = page.getByRole("alert", { name: "Execution error" });
  await execError.getByText("OrderBroken").waitFor();
  await execError.getByText("the order could not be checked").waitFor();
  await page.locator('[aria-label="Broken: Failed"]').click();
  const panel = page.getByRole("complementary", { name: "State Broken" });
  await panel.getByLabel("State error").getByText("OrderBroken").waitFor();
  await panel.getByLabel("State error").getByText("the order could not be checked").waitFor();
  if (shots) await page.locator(".graph-with-panel").screenshot({ path: join(shots, "console-execution.png") });
  // The caught Task: what it sent, and the error its Catch took.
  await page.locator('[aria-label="Call: Caught error"]').click();
  const call = page.getByRole("complementary", { name: "State Call" });
  await call.getByLabel("State parameters").getByText("no-such-function").waitFor();
  await call.getByLabel("State error").getByText("Lambda.ResourceNotFoundException").waitFor();
  // The event view marks failures and can show them alone.
  await page.getByRole("tab", { name: "Events" }).click();
  await page.getByLabel("Failed events only").check();
  await page.waitForFunction(() => !document.querySelector('table[aria-label="Events"] tbody tr:not(.failed-event)'));
  assert.ok((await page.getByRole("table", { name: "Events" }).locator("tbody tr.failed-event").count()) >= 2);
  await page.getByRole("table", { name: "Events" }).getByText("ExecutionFailed", { exact: true }).waitFor();
  await page.getByRole("tab", { name: "Graph view" }).click();
  // A bookmark opens the same page directly.
  await page.reload();
  await page.locator('[aria-label="Broken: Failed"]').waitFor();
});

test("a running execution shows its state running, updates by itself, and stops", async () => {
  await createThroughConsole("ConsoleWait", {
    StartAt: "Pause",
    States: { Pause: { Type: "Wait", SecondsPath: "$.seconds", Next: "After" }, After: { Type: "Pass", End: true } },
  });
  const machine = page.url();
  await startThroughConsole({ seconds: 600 });
  await page.locator('[aria-label="Pause: Running"]').waitFor();
  await page.locator('[aria-label="After: Not run"]').waitFor();
  await page.getByRole("button", { name: "Stop execution" }).click();
  await page.getByRole("dialog", { name: "Stop execution?" }).getByRole("button", { name: "Stop execution" }).click();
  await page.locator('[aria-label="Execution status"]').getByText("Aborted").waitFor();
  await page.locator('[aria-label="Pause: Cancelled"]').waitFor();
  assert.equal(await page.getByRole("button", { name: "Stop execution" }).count(), 0);
  // A short wait ends while the page is open: polling turns it green without a reload.
  await page.goto(machine);
  await startThroughConsole({ seconds: 2 });
  await page.locator('[aria-label="After: Succeeded"]').waitFor();
  await page.locator('[aria-label="Execution status"]').getByText("Succeeded").waitFor();
});

/** Through the API (the console's own create form is tested above). */
async function api(action, body) {
  const r = await fetch(base + "/", {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `AWSStepFunctions.${action}` },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  assert.ok(r.ok, `${action}: ${JSON.stringify(json)}`);
  return json;
}

const ROLE = "arn:aws:iam::123456789012:role/console-e2e";

test("a 100-state definition and a Map/Parallel-heavy one render every state", async () => {
  const states = {};
  for (let i = 0; i < 100; i++) {
    const name = `Step${String(i).padStart(3, "0")}`;
    const next = i === 99 ? "Finished" : `Step${String(i + 1).padStart(3, "0")}`;
    states[name] =
      i % 10 === 9
        ? { Type: "Choice", Choices: [{ Variable: "$.again", BooleanEquals: true, Next: `Step${String(i - 9).padStart(3, "0")}` }], Default: next }
        : i % 10 === 4
          ? { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f" }, Catch: [{ ErrorEquals: ["States.ALL"], Next: next }], Next: next }
          : { Type: "Pass", Next: next };
  }
  states.Finished = { Type: "Succeed" };
  const big = await api("CreateStateMachine", { name: "Hundred", roleArn: ROLE, definition: JSON.stringify({ StartAt: "Step000", States: states }) });
  await page.goto(base + "/state-machines/" + big.stateMachineArn);
  await page.locator('[aria-label="Step099"]').waitFor();
  assert.equal(await page.locator('svg.graph [role="button"]').count(), 101);
  if (shots) await page.locator(".split").last().screenshot({ path: join(shots, "console-100-states.png") });

  const branch = (p) => ({
    StartAt: `${p}Prepare`,
    States: {
      [`${p}Prepare`]: { Type: "Pass", Next: `${p}Items` },
      [`${p}Items`]: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemProcessor: {
          StartAt: `${p}Check`,
          States: {
            [`${p}Check`]: { Type: "Choice", Choices: [{ Variable: "$", NumericGreaterThan: 2, Next: `${p}Big` }], Default: `${p}Small` },
            [`${p}Big`]: { Type: "Pass", End: true },
            [`${p}Small`]: { Type: "Pass", End: true },
          },
        },
        End: true,
      },
    },
  });
  const heavy = await api("CreateStateMachine", {
    name: "Fanout",
    roleArn: ROLE,
    definition: JSON.stringify({
      StartAt: "Split",
      States: {
        Split: { Type: "Parallel", Branches: [branch("Left"), branch("Right"), { StartAt: "Aside", States: { Aside: { Type: "Wait", Seconds: 0, End: true } } }], Next: "Merge" },
        Merge: { Type: "Pass", End: true },
      },
    }),
  });
  const run = await api("StartExecution", { stateMachineArn: heavy.stateMachineArn, input: JSON.stringify({ items: [1, 2, 3] }) });
  await page.goto(base + "/executions/" + run.executionArn);
  for (const s of ["Split", "LeftItems", "LeftCheck", "LeftBig", "LeftSmall", "RightItems", "Aside", "Merge"]) {
    await page.locator(`[aria-label="${s}: Succeeded"]`).waitFor();
  }
  if (shots) await page.locator(".graph-with-panel").screenshot({ path: join(shots, "console-map-parallel.png") });
});

test("edit a definition: a diagnostic at the faulty line, the graph redrawn, saved as a new version", async () => {
  const definition = { StartAt: "First", States: { First: { Type: "Pass", Next: "Second" }, Second: { Type: "Pass", End: true } } };
  const made = await api("CreateStateMachine", { name: "ConsoleEdit", roleArn: ROLE, definition: JSON.stringify(definition) });
  await page.goto(base + "/state-machines/" + made.stateMachineArn);
  await page.getByRole("button", { name: "Edit" }).click();
  await page.waitForURL(/\/edit$/);
  const editor = page.getByRole("textbox", { name: "Definition" });
  const broken = JSON.stringify({ ...definition, States: { ...definition.States, First: { Type: "Pass", Next: "Third" } } }, null, 2);
  await editor.fill(broken);
  // "Next": "Third" is on line 6 of the formatted text.
  const line = broken.split("\n").findIndex((l) => l.includes('"Third"')) + 1;
  const diagnostic = page.getByRole("list", { name: "Diagnostics" }).locator("li.error", { hasText: "Missing 'Next' target: Third" });
  await diagnostic.waitFor();
  assert.equal(await diagnostic.getAttribute("data-line"), String(line));
  // The editor marks that line: the faulty text underlined, its message in the lint gutter.
  await page.locator(".cm-lintRange-error", { hasText: '"Next": "Third"' }).waitFor();
  await page.locator(".cm-lint-marker-error").first().waitFor();
  if (shots) await page.screenshot({ path: join(shots, "console-edit.png") });
  assert.equal(await page.getByRole("button", { name: "Save" }).isDisabled(), true);
  // Not JSON: the parser's complaint at its line, nothing sent.
  await editor.fill('{\n  "StartAt": "First",\n  "States": {\n}');
  await page.getByRole("list", { name: "Diagnostics" }).getByText("Not JSON").waitFor();
  const fixed = JSON.stringify({ ...definition, States: { ...definition.States, Third: { Type: "Pass", Next: "Second" }, First: { Type: "Pass", Next: "Third" } } }, null, 2);
  await editor.fill(fixed);
  await page.getByText("No problems found.").waitFor();
  await page.locator('[aria-label="Third"]').waitFor();
  await page.getByLabel("Publish a version").check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { name: "ConsoleEdit", exact: true }).waitFor();
  await page.getByRole("table", { name: "Versions and aliases" }).getByText("Version").waitFor();
  await page.getByLabel("Definition").getByText('"Third"').first().waitFor();
});

test("an Express workflow runs synchronously from its page and shows its result", async () => {
  const made = await api("CreateStateMachine", {
    name: "ConsoleExpress",
    type: "EXPRESS",
    roleArn: ROLE,
    definition: JSON.stringify({ StartAt: "Echo", States: { Echo: { Type: "Pass", Parameters: { "echo.$": "$.say" }, End: true } } }),
  });
  await page.goto(base + "/state-machines/" + made.stateMachineArn);
  await page.getByText("Express workflows keep no execution history").waitFor();
  await page.getByRole("button", { name: "Start execution" }).click();
  const dialog = page.getByRole("dialog", { name: "Start execution" });
  await dialog.locator('textarea[name="input"]').fill('{"say": "hi"}');
  await dialog.locator('button[type="submit"]').click();
  const result = dialog.getByLabel("Execution result");
  await result.getByText("Succeeded").waitFor();
  assert.deepEqual(JSON.parse(await result.getByLabel("Output").innerText()), { echo: "hi" });
});

test("bad input is refused where it is; unknown ARNs say not found with a way back", async () => {
  await page.goto(base + "/create");
  await page.locator('input[name="name"]').fill("ConsoleInvalid");
  await page.locator('textarea[name="definition"]').fill('{"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": true}}}');
  await page.locator('form.create button[type="submit"]').click();
  await page.getByRole("alert").getByText("InvalidDefinition").waitFor();
  await page.goto(base + "/executions/arn:aws:states:us-east-1:123456789012:execution:Nope:nothing");
  await page.getByRole("heading", { name: "Execution not found" }).waitFor();
  await page.getByRole("link", { name: "Back to State machines" }).click();
  await page.getByRole("heading", { name: /State machines/ }).waitFor();
  await page.getByRole("link", { name: "ConsoleOrder" }).waitFor();
  const order = page.getByRole("row").filter({ has: page.getByRole("link", { name: "ConsoleOrder", exact: true }) });
  await order.getByLabel("Recent executions").getByText("2 Succeeded").waitFor();
  const waits = page.getByRole("row").filter({ has: page.getByRole("link", { name: "ConsoleWait", exact: true }) });
  await waits.getByLabel("Recent executions").getByText("1 Aborted").waitFor();
  // The search narrows the list by name.
  await page.getByLabel("Search for state machines").fill("wait");
  await page.getByRole("link", { name: "ConsoleOrder" }).waitFor({ state: "detached" });
  assert.equal(await page.getByRole("link", { name: "ConsoleWait" }).count(), 1);
  await page.getByLabel("Search for state machines").fill("");
  if (shots) await page.screenshot({ path: join(shots, "console-state-machines.png") });
  // Delete, after a confirmation.
  await page.getByRole("button", { name: "Delete Hundred" }).click();
  await page.getByRole("dialog", { name: "Delete Hundred?" }).getByRole("button", { name: "Delete" }).click();
  await page.getByRole("link", { name: "Hundred", exact: true }).waitFor({ state: "detached" });
  const left = await api("ListStateMachines", {});
  assert.ok(!left.stateMachines.some((m) => m.name === "Hundred"));
  await page.goto(base + "/state-machines/arn:aws:states:us-east-1:123456789012:stateMachine:Nope");
  await page.getByRole("heading", { name: "State machine not found" }).waitFor();
  await page.goto(base + "/executions/not-an-arn");
  await page.getByRole("heading", { name: "Execution not found" }).waitFor();
  // Functions: listed once the server has the Lambda API, until then said to be unavailable —
  // never an error.
  await page.getByRole("link", { name: "Functions" }).click();
  await page.locator('table[aria-label="Functions"], p[role="status"]').first().waitFor();
  assert.equal(await page.getByRole("alert").count(), 0);
});
