import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { lintSnippet, yamlSnippets } from "../scripts/lint-actions.js";

// The README's YAML is what users paste: GitHub's parser must accept every snippet of it.
describe("README snippets", () => {
  it("finds each yaml block with the line it starts on", () => {
    const md = ["# t", "```yaml", "a: 1", "```", "text", "```yml", "b: 2", "```"].join("\n");
    expect(yamlSnippets(md)).toEqual([
      { line: 3, content: "a: 1" },
      { line: 7, content: "b: 2" },
    ]);
  });

  it("refuses a compact mapping GitHub's parser rejects, and accepts its fix", async () => {
    const workflow = (step: string) =>
      ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", step].join("\n");
    expect(await lintSnippet("x", workflow('      - run: echo "Task 1: done"'))).toEqual([
      expect.stringContaining("Nested mappings are not allowed in compact mappings"),
    ]);
    expect(await lintSnippet("x", workflow(`      - run: "echo 'Task 1: done'"`))).toEqual([]);
  });

  it("every snippet of the README and docs/ passes", async () => {
    const names = [
      "README.md",
      ...(await readdir(new URL("../docs/", import.meta.url)))
        .filter((name) => name.endsWith(".md"))
        .map((name) => `docs/${name}`),
    ];
    let count = 0;
    for (const name of names) {
      const text = await readFile(new URL(`../${name}`, import.meta.url), "utf8");
      for (const { line, content } of yamlSnippets(text)) {
        count++;
        expect(await lintSnippet(`${name}:${line}`, content)).toEqual([]);
      }
    }
    expect(count).toBeGreaterThan(3);
  });
});
