import { expect, test } from "vitest";
import { paths, route } from "./router";

const machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Order-1";
const execution = "arn:aws:states:us-east-1:123456789012:execution:Order-1:run_7";

test("every page's URL reads back as the same page", () => {
  expect(route(paths.list)).toEqual({ page: "list" });
  expect(route(paths.create)).toEqual({ page: "create" });
  expect(route(paths.functions)).toEqual({ page: "functions" });
  expect(paths.machine(machine)).toBe(`/state-machines/${machine}`);
  expect(route(paths.machine(machine))).toEqual({ page: "machine", arn: machine });
  expect(route(paths.edit(machine))).toEqual({ page: "edit", arn: machine });
  expect(route(paths.execution(execution))).toEqual({ page: "execution", arn: execution });
  // A version's ARN (":3") and a trailing slash.
  expect(route(`/state-machines/${machine}:3/`)).toEqual({ page: "machine", arn: `${machine}:3` });
  expect(route("/state-machines/arn%3Aaws%3Astates")).toEqual({ page: "machine", arn: "arn:aws:states" });
  expect(route("/elsewhere")).toEqual({ page: "unknown", path: "/elsewhere" });
});
