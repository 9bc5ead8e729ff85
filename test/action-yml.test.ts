import { readFile } from "node:fs/promises";
import { NoOperationTraceWriter } from "@actions/workflow-parser";
import { convertActionTemplate, parseAction } from "@actions/workflow-parser/actions/index";
import { describe, expect, it } from "vitest";
import { lintFile } from "../scripts/lint-actions.js";
import { INPUT_DEFAULTS, INPUT_NAMES, RUNNER_DEFAULTS } from "../src/inputs/read-inputs.js";
import { OUTPUT_NAMES } from "../src/report/outputs.js";

// action.yml is what the runner reads: an input on one side only is silently ignored, so the
// code and the file must declare the same inputs, defaults and outputs.
async function actionYml() {
  const content = await readFile(new URL("../action.yml", import.meta.url), "utf8");
  const parsed = parseAction({ name: "action.yml", content }, new NoOperationTraceWriter());
  if (parsed.value === undefined) throw new Error("action.yml did not parse");
  return convertActionTemplate(parsed.context, parsed.value);
}

describe("action.yml and the code", () => {
  it("declare the same inputs", async () => {
    const declared = (await actionYml()).inputs?.map((input) => input.id) ?? [];
    expect([...declared].sort()).toEqual([...INPUT_NAMES].sort());
  });

  it("declare the same defaults", async () => {
    const declared = Object.fromEntries(
      ((await actionYml()).inputs ?? [])
        .filter((input) => input.default !== undefined)
        .map((input) => [input.id, input.default?.toString()]),
    );
    expect(declared).toEqual({ ...INPUT_DEFAULTS, ...RUNNER_DEFAULTS });
  });

  it("declare the same outputs", async () => {
    const declared = (await actionYml()).outputs?.map((output) => output.id) ?? [];
    expect([...declared].sort()).toEqual([...OUTPUT_NAMES].sort());
  });

  it("runs the bundle on node24", async () => {
    expect((await actionYml()).runs).toMatchObject({ using: "node24", main: "dist/index.js" });
  });
});

describe("lintFile (GitHub's parser)", () => {
  it.each(["action.yml", ".github/workflows/ci.yml", ".github/workflows/release.yml"])(
    "passes %s",
    async (name) => {
      const content = await readFile(new URL(`../${name}`, import.meta.url), "utf8");
      expect(await lintFile(name, content)).toEqual([]);
    },
  );

  it.each([
    {
      name: "action.yml",
      content: "name: x\ndescription: y\nruns:\n  using: node99\n  main: a.js\n",
      says: "node99",
    },
    {
      name: "w.yml",
      content: "on: push\njobs:\n  a:\n    steps:\n      - run: echo\n",
      says: "runs-on",
    },
    {
      name: "w.yml",
      content:
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github. }}\n",
      says: "",
    },
  ])("finds the mistake in $name ($says)", async ({ name, content, says }) => {
    const problems = await lintFile(name, content);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toContain(says);
  });
});
