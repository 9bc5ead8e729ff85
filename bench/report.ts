// BENCHMARKS.md from one run's figures: when and where they were measured, the targets on each
// Node, then each section's tables with the prose that explains them. Formatted by prettier, so
// the written file is the formatted file.
import { writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { format, resolveConfig } from "prettier";
import { cancelSection } from "./cancel.js";
import type { BundleInfo, Machine } from "./machine.js";
import { count, nodeName, table, verdict } from "./markdown.js";
import { coldSection } from "./report-cold.js";
import { inlineSection, listSection, waitSection, wavesSection } from "./report-sections.js";
import type { NodeResults } from "./results.js";
import { checks, type Check } from "./targets.js";

/** Everything the report is written from. */
export interface Report {
  started: Date;
  seconds: number;
  machine: Machine;
  bundle: BundleInfo;
  options: { runs: number; coldRuns: number; sizes: number[] };
  nodes: NodeResults[];
  /** Why the run does not cover every section on both Nodes; empty when it does. */
  partial: string[];
}

export async function writeReport(path: string, report: Report): Promise<void> {
  const markdown = render(report, dirname(path));
  const config = await resolveConfig(path);
  // Paragraphs built from figures come out ragged; prettier fills them to the print width.
  await writeFile(path, await format(markdown, { ...config, filepath: path, proseWrap: "always" }));
}

function render(report: Report, root: string): string {
  const { nodes, options } = report;
  return [
    "# Benchmarks",
    header(report, root),
    targets(nodes),
    coldSection(nodes, options.coldRuns),
    listSection(nodes, options.runs),
    waitSection(nodes),
    wavesSection(nodes),
    inlineSection(nodes),
    cancelSection(nodes),
  ]
    .filter(Boolean)
    .join("\n\n");
}

function header(report: Report, root: string): string {
  const { machine, bundle } = report;
  const when = report.started.toISOString().slice(0, 16).replace("T", " ");
  const load = (values: number[] | undefined) => values?.map((v) => v.toFixed(2)).join(", ");
  const nodes = report.nodes.map(
    (one) => `${one.version.replace(/^v/, "")} (\`${shortPath(one.node, root)}\`)`,
  );
  const changes =
    bundle.changes.length > 0
      ? `, with uncommitted changes to ${changedDirs(bundle)}`
      : " (src/ and dist/ as committed)";
  return [
    "`npm run bench` wrote this file from the figures it measured; to change the text, edit",
    "`bench/report*.ts` and run it again. Every ratio compares contenders measured in the same",
    "run, on the same Node, one after another; figures are medians unless a table says otherwise.",
    "`npm run bench -- --sections cold,list --sizes 100000 --no-write` is a quick look; a run that",
    "leaves out a section, a Node (`BENCH_NODE`) or the 8M-name list writes this file only with",
    "`--write`.",
    "",
    `- Run: ${when} UTC, ${(report.seconds / 60).toFixed(1)} min in all.`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB of memory;`,
    `  load average (1, 5, 15 min) ${load(machine.loadAtStart)} at the start, ${load(machine.loadAtEnd)} at the end.`,
    `- Node: ${nodes.join(" and ")}; the action's runtime (action.yml) is node24.`,
    `- Bundle: \`${shortPath(bundle.path, root)}\`, ${count(bundle.bytes)} bytes, at commit ${bundle.commit}${changes}.`,
    ...(report.partial.length > 0
      ? [`- Partial run (written with --write): ${report.partial.join("; ")}.`]
      : []),
  ].join("\n");
}

function targets(nodes: NodeResults[]): string {
  const perNode = nodes.map((one) => checks(one));
  const names = [...new Set(perNode.flat().map((check) => check.target))];
  const cell = (all: Check[], target: string) => {
    const check = all.find((one) => one.target === target);
    return check === undefined ? "not run" : `${check.figure}: ${verdict(check.met)}`;
  };
  const rows = names.map((target) => [target, ...perNode.map((all) => cell(all, target))]);
  return ["## Targets", table(["target", ...nodes.map((one) => nodeName(one.version))], rows)].join(
    "\n\n",
  );
}

function changedDirs(bundle: BundleInfo): string {
  const dirs = new Set(bundle.changes.map((line) => line.slice(3).split("/")[0]));
  return [...dirs].map((dir) => `${dir}/`).join(" and ");
}

function shortPath(path: string, root: string): string {
  const inside = relative(root, path);
  return inside.startsWith("..") ? path : inside;
}
