// `npm run lint:actions`: every workflow under .github/workflows and action.yml, checked by
// GitHub's own parser (@actions/workflow-parser, the one behind the Actions language service):
// YAML, schema (runs.using node24, inputs, permissions, jobs, steps) and expressions.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { convertActionTemplate, parseAction } from "@actions/workflow-parser/actions/index";

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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems: string[] = [];
  const files = await actionFiles();
  for (const name of files)
    problems.push(...(await lintFile(name, await readFile(join(ROOT, name), "utf8"))));
  for (const problem of problems) console.error(problem);
  console.log(
    `${files.length} files checked with @actions/workflow-parser: ${problems.length} problem(s).`,
  );
  if (problems.length > 0) process.exitCode = 1;
}
