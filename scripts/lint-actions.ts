// `npm run lint:actions`: every workflow under .github/workflows and action.yml, checked by
// GitHub's own parser (@actions/workflow-parser, the one behind the Actions language service):
// YAML, schema (runs.using node24, inputs, permissions, jobs, steps) and expressions. The YAML
// snippets of the README and docs/ too: a whole workflow the same way, a fragment as YAML.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { convertActionTemplate, parseAction } from "@actions/workflow-parser/actions/index";
import { parseDocument } from "yaml";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The problems GitHub's parser finds in one workflow or action file ("" none). */
export async function lintFile(name: string, content: string): Promise<string[]> {
  const file = { name, content };
  const trace = new NoOperationTraceWriter();
  const isAction = /(^|\/)action\.ya?ml$/.test(name);
  const parsed = isAction ? parseAction(file, trace) : parseWorkflow(file, trace);
  if (parsed.value !== undefined) {
    if (isAction) convertActionTemplate(parsed.context, parsed.value);
    else await convertWorkflowTemplate(parsed.context, parsed.value);
  }
  return parsed.context.errors.getErrors().map((error) => `${name}: ${error.message}`);
}

/** The files this repository ships for GitHub Actions to read. */
async function actionFiles(): Promise<string[]> {
  const workflows = join(ROOT, ".github", "workflows");
  const names = (await readdir(workflows)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return ["action.yml", ...names.map((n) => join(".github", "workflows", n))];
}

/** Pure: the ```yaml blocks of a Markdown text, each with the line it starts on. */
export function yamlSnippets(markdown: string): Array<{ line: number; content: string }> {
  const snippets: Array<{ line: number; content: string }> = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end === -1) break;
    snippets.push({ line: i + 2, content: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return snippets;
}

/** The problems in one snippet: a whole workflow (it has `on` and `jobs`) as GitHub reads it. */
export async function lintSnippet(name: string, content: string): Promise<string[]> {
  const doc = parseDocument(content);
  const errors = doc.errors.map((error) => `${name}: ${error.message}`);
  if (errors.length > 0) return errors;
  const value: unknown = doc.toJS();
  const workflow = typeof value === "object" && value !== null && "jobs" in value && "on" in value;
  return workflow ? lintFile(name, content) : [];
}

async function markdownFiles(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, "docs"))).filter((n) => n.endsWith(".md")).sort();
  return ["README.md", ...docs.map((n) => join("docs", n))];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems: string[] = [];
  const files = await actionFiles();
  for (const name of files)
    problems.push(...(await lintFile(name, await readFile(join(ROOT, name), "utf8"))));
  let snippets = 0;
  for (const name of await markdownFiles()) {
    for (const { line, content } of yamlSnippets(await readFile(join(ROOT, name), "utf8"))) {
      snippets++;
      problems.push(...(await lintSnippet(`${name}:${line}`, content)));
    }
  }
  for (const problem of problems) console.error(problem);
  console.log(
    `${files.length} files and ${snippets} Markdown YAML snippets checked with @actions/workflow-parser: ${problems.length} problem(s).`,
  );
  if (problems.length > 0) process.exitCode = 1;
}
