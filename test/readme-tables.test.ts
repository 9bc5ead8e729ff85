import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { tables, withTables } from "../scripts/readme-tables.js";

// The README's Inputs and Outputs tables are generated from action.yml (`npm run docs`): a
// README edited by hand, or an action.yml changed without regenerating, fails here.
const read = (name: string) => readFile(new URL(`../${name}`, import.meta.url), "utf8");

describe("README tables", () => {
  it("are exactly what action.yml generates", async () => {
    const [readme, actionYml] = await Promise.all([read("README.md"), read("action.yml")]);
    expect(withTables(readme, actionYml)).toBe(readme);
  });

  it("list every input and output, required and defaults marked", () => {
    const yml = [
      "inputs:",
      "  a:",
      "    description: First | with a bar.",
      "    required: true",
      "  b:",
      "    description: Second.",
      '    default: "5%"',
      "outputs:",
      "  c:",
      "    description: Out.",
    ].join("\n");
    expect(tables(yml)).toEqual({
      inputs: [
        "| input | default | meaning |",
        "| --- | --- | --- |",
        "| `a` **(required)** |  | First \\| with a bar. |",
        "| `b` | `5%` | Second. |",
      ].join("\n"),
      outputs: ["| output | meaning |", "| --- | --- |", "| `c` | Out. |"].join("\n"),
    });
  });
});
