import { expect, test } from "vitest";
import { lineOf } from "./jsonpos";

const text = `{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Next": "B"
    },
    "C/D": { "Type": "Bogus" },
    "M": { "Type": "Choice", "Choices": [
      { "Next": "A" },
      { "Next": "X" }
    ] }
  }
}`;

test("a pointer's line: keys, escaped keys, array elements, the deepest part found", () => {
  expect(lineOf(text, "/States/A/Next")).toBe(6);
  expect(lineOf(text, "/States/A")).toBe(4);
  expect(lineOf(text, "/States/C~1D")).toBe(8);
  expect(lineOf(text, "/States/M/Choices/1/Next")).toBe(11);
  // A field that is missing is reported at its object.
  expect(lineOf(text, "/States/A/End")).toBe(4);
  expect(lineOf(text, "null")).toBeNull();
  expect(lineOf("{", "/States")).toBeNull();
});
