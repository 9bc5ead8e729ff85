// The cold section of BENCHMARKS.md: the action against the SDK script and bare node, where its
// time goes, what loading each package costs, and why the target is missed.
import type { ColdRun } from "./cold.js";
import type { ColdSummary } from "./cold-summary.js";
import { mib, ms, nodeName, plusMs, rounds, table, verdict } from "./markdown.js";
import type { NodeResults } from "./results.js";
import { COLD_MAX_RATIO } from "./targets.js";

/** One Node's cold figures, under the name the tables give that Node. */
type Measured = { name: string; cold: ColdSummary };

export function coldSection(nodes: NodeResults[], runs: number): string {
  const measured = nodes.flatMap((one) =>
    one.cold ? [{ name: nodeName(one.version), cold: one.cold }] : [],
  );
  if (measured.length === 0) return "";
  return [
    "## Cold rollout",
    [
      "The bundled action as a process, spawn to exit, an original-version rollout (DescribeFirmware,",
      "DescribeFirmwareTasks, BatchUpdateFirmware), against `bench/sdk-rollout.js` (Tencent's",
      "`CommonClient` making the same BatchUpdateFirmware call, one request) and `node -e 0`. Every",
      `rollout gets a fresh emulator. One warm-up round, then ${rounds(runs)} in which each`,
      "contender below runs once, in turn. A preloaded probe marks the end of Node's start-up, each",
      "request (undici's and node:http's diagnostics channels) and the 'exit' event.",
    ].join("\n"),
    totals(measured),
    "### Where the time goes",
    "Each phase is a median of its own, so the phases need not add up to the median total.",
    phases(measured),
    EVALUATION,
    table(
      [
        "Node",
        "loads",
        "bundle",
        "total",
        "over bare node",
        "evaluation (→ 'exit' event)",
        "exit (teardown)",
      ],
      measured.flatMap(evaluationRows),
    ),
    measured.map(floor).join("\n"),
    WHY,
    measured.map(stall).join("\n"),
    TRIED,
  ].join("\n\n");
}

function totals(measured: Measured[]): string {
  const header = [
    "Node",
    "action",
    "SDK script",
    "bare node",
    `action / SDK (target ≤ ${COLD_MAX_RATIO})`,
    "action / bare",
    "action peak RSS",
    "SDK peak RSS",
  ];
  const rows = measured.map(({ name, cold }) => [
    name,
    ms(cold.action.seconds),
    ms(cold.sdk.seconds),
    ms(cold.bare.seconds),
    `${cold.ratio.toFixed(2)}: ${verdict(cold.ratio <= COLD_MAX_RATIO)}`,
    (cold.action.seconds / cold.bare.seconds).toFixed(1),
    mib(cold.action.peakRssMiB),
    mib(cold.sdk.peakRssMiB),
  ]);
  return table(header, rows);
}

function phases(measured: Measured[]): string {
  const header = [
    "Node",
    "contender",
    "Node start-up",
    "→ 1st request (evaluation, inputs, signing)",
    "requests",
    "→ 'exit' event",
    "exit (teardown)",
    "total",
  ];
  const row = (node: string, who: string, run: ColdRun) => [
    node,
    who,
    ms(run.nodeStart),
    ms(run.toFirstRequest),
    `${ms(run.requests)} (${run.requestCount})`,
    ms(run.afterLastAnswer),
    ms(run.exit),
    ms(run.seconds),
  ];
  const rows = measured.flatMap(({ name, cold }) => [
    row(name, "action", cold.action),
    row(name, "SDK script", cold.sdk),
    ...cold.variants.map((one) => row(name, `action, \`${one.variant.label}\``, one.median)),
  ]);
  return table(header, rows);
}

const EVALUATION = [
  "### What the bundle loads at start, and what each part costs",
  "",
  "The action imports `@actions/core`, `@actions/github` and `undici` (one copy, version 6, the",
  "one `@actions/core` brings). The bench builds, with the same ncc options as `npm run bundle`, a",
  "bundle that only imports `@actions/core`, one of `undici` alone, and one of `@actions/core` with",
  "`@actions/github`, and runs each as a process in the same rounds as the rollouts. For a bundle",
  "that makes no request, → 'exit' event is its evaluation and whatever keeps the event loop",
  "alive; the last row is the action's total minus the bundle of everything it imports.",
].join("\n");

function evaluationRows({ name, cold }: Measured): string[][] {
  const row = (who: string, bytes: string, run: ColdRun, overBare: string) => [
    name,
    who,
    bytes,
    ms(run.seconds),
    overBare,
    ms(run.toFirstRequest),
    ms(run.exit),
  ];
  const bundle = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const whole = cold.action.seconds - cold.bare.seconds;
  return [
    row("nothing: bare node (`node -e 0`)", "-", cold.bare, "-"),
    ...cold.loads.map((load) =>
      row(`\`${load.bundle.name}\``, bundle(load.bundle.bytes), load.median, plusMs(load.overBare)),
    ),
    [name, "the action", "-", ms(cold.action.seconds), plusMs(whole), "-", "-"],
    ...(cold.ourCode === undefined
      ? []
      : [
          [
            name,
            "our code + requests: the action's total − the core and github bundle's",
            "-",
            ms(cold.ourCode),
            "-",
            "-",
            "-",
          ],
        ]),
  ];
}

function floor({ name, cold }: Measured): string {
  if (cold.floor === undefined) return "";
  const { budget, coreAlone } = cold.floor;
  const left = budget - coreAlone;
  const rest =
    left > 0
      ? `leaves ${ms(left)} for \`@actions/github\`, our code, three requests and Node's exit`
      : `is already ${ms(-left)} over it: the target cannot be met while \`@actions/core\` is loaded at start`;
  return (
    `- ${name}: the target allows ${COLD_MAX_RATIO} × ${ms(cold.sdk.seconds)} = ${ms(budget)}; ` +
    `a process that only loads \`@actions/core\` (which the action keeps, and which loads undici at start) takes ${ms(coreAlone)}, which ${rest}.`
  );
}

const WHY = [
  "### The end of the run",
  "",
  "undici parses answers with llhttp compiled to WebAssembly. Once the parser has run enough (V8's",
  "dynamic tiering budget, `--wasm-tiering-budget`, roughly 13 MB of executed code: a rollout's",
  "third answer gets there), V8 recompiles its hot functions with the optimizing compiler on a",
  "background thread, and a Node process cannot end while such a compile runs: the event loop's",
  "final drain waits for it on Node 20, teardown on Node 24. The SDK script, on node:http, runs no",
  "wasm, and the processes that only load undici make no request: neither waits. `src/v8-flags.ts`",
  "puts the budget out of reach before undici is evaluated (`v8.setFlagsFromString`, which both",
  "Nodes honour for this flag; `--liftoff-only` is resolved only at start on Node 24). The variant",
  "row is the action built without that line, in the same rounds. From the last answer to the",
  "process gone:",
].join("\n");

function stall({ name, cold }: Measured): string {
  const end = (run: ColdRun) => run.afterLastAnswer + run.exit;
  const variants = cold.variants.map(
    (one) =>
      `with ${one.variant.label} ${ms(end(one.median))} (total ${ms(one.median.seconds)}, ` +
      `${(one.median.seconds / cold.sdk.seconds).toFixed(2)}× the SDK script)`,
  );
  const undici = cold.loads.find((load) => load.bundle.id === "undici");
  const loadOnly =
    undici === undefined
      ? ""
      : `; a process that only loads undici: teardown ${ms(undici.median.exit)}`;
  return (
    `- ${name}: the action ${ms(end(cold.action))}` +
    (variants.length > 0 ? `, ${variants.join(", ")}` : "") +
    `; the SDK script ${ms(end(cold.sdk))}${loadOnly}.`
  );
}

const TRIED = [
  "Tried before that setting, on 2026-11-26 (not measured by this bench): undici 7, which compiles",
  "its parser at the first connection instead of at load, was slower on both Nodes (Node 24: 151 ms",
  "against 135 ms with undici 6, the wait at exit unchanged, the bundle 1.86 MB against 1.5 MB);",
  "`--liftoff-only` works on Node 24 only on the command line, which the runner does not let an",
  "action pass; `--no-wasm-tier-up` changes nothing (dynamic tiering is a switch of its own);",
  "`process.exit()` after `run()` only moves the wait into teardown. What stands between the action",
  "and the target now is loading `@actions/core` (the floor above) and our own code and requests",
  "(the last row of the module-evaluation table).",
].join("\n");
