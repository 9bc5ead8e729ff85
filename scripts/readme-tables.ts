// `npm run docs`: the README's Inputs and Outputs tables, generated from action.yml (as
// actions/checkout generates its usage block), between <!-- inputs --> / <!-- outputs -->
// markers. A test holds the README equal to what this writes.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

/** Pure: one Markdown table cell ("|" escaped, on one line). */
function cell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

/** Pure: the Inputs and Outputs tables from action.yml's text. */
export function tables(actionYml: string): { inputs: string; outputs: string } {
  const action = parse(actionYml) as ActionYml;
  const inputs = Object.entries(action.inputs).map(([name, input]) => {
    const shown = input.default === undefined ? "" : `\`${input.default}\``;
    const required = input.required ? " **(required)**" : "";
    return `| \`${name}\`${required} | ${shown} | ${cell(input.description)} |`;
  });
  const outputs = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return {
    inputs: ["| input | default | meaning |", "| --- | --- | --- |", ...inputs].join("\n"),
    outputs: ["| output | meaning |", "| --- | --- |", ...outputs].join("\n"),
  };
}

/** Pure: the README with its marked blocks replaced by the generated tables. */
export function withTables(readme: string, actionYml: string): string {
  const generated = tables(actionYml);
  let out = readme;
  for (const name of ["inputs", "outputs"] as const) {
    const block = new RegExp(`(<!-- ${name} -->\\n)[\\s\\S]*?(<!-- /${name} -->)`);
    if (!block.test(out)) throw new Error(`README.md has no <!-- ${name} --> block`);
    out = out.replace(block, `$1<!-- prettier-ignore -->\n${generated[name]}\n\n$2`);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [readme, actionYml] = await Promise.all([
    readFile(`${ROOT}README.md`, "utf8"),
    readFile(`${ROOT}action.yml`, "utf8"),
  ]);
  await writeFile(`${ROOT}README.md`, withTables(readme, actionYml));
  console.log("README.md: Inputs and Outputs tables written from action.yml.");
}
