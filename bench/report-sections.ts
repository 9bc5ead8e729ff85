// The device-list, waiting and waves sections of BENCHMARKS.md, and the note on inline names.
import { MAX_PAGES } from "../src/follow/device-findings.js";
import { count, mib, nodeName, rounds, seconds, table, verdict } from "./markdown.js";
import type { NodeResults, WavesRun } from "./results.js";
import {
  MAX_RATIO,
  MAX_RSS_GROWTH_MIB,
  MAX_RSS_MIB,
  planCheck,
  PLAN_MAX_SECONDS,
  POLL_SECONDS,
  TARGET_NAMES,
} from "./targets.js";
import { WAVES } from "./waves.js";

/** src/follow/device-rows.ts's page size: rows per DescribeFirmwareTaskDevices page. */
const ROWS_PER_PAGE = 100;

export function listSection(nodes: NodeResults[], runs: number): string {
  const rows = nodes.flatMap((one) =>
    (one.lists ?? []).map((row) => {
      const ratio = row.action === undefined ? undefined : row.action / row.md5sum;
      const judged = row.names === TARGET_NAMES && ratio !== undefined;
      return [
        nodeName(one.version),
        count(row.names),
        `${(row.bytes / 1e6).toFixed(0)} MB`,
        seconds(row.md5sum),
        seconds(row.scan),
        row.action === undefined ? "-" : seconds(row.action),
        ratio === undefined
          ? "-"
          : `${ratio.toFixed(2)}${judged ? `: ${verdict(ratio <= MAX_RATIO)}` : ""}`,
        row.peakRssMiB === undefined ? "-" : mib(row.peakRssMiB),
      ];
    }),
  );
  if (rows.length === 0) return "";
  const failures = nodes.flatMap((one) =>
    (one.lists ?? []).flatMap((row) =>
      row.failure === undefined
        ? []
        : [`- ${nodeName(one.version)}, ${count(row.names)} names, run failed: ${row.failure}`],
    ),
  );
  return [
    "## Device lists",
    [
      "For each size, a generated list of that many 19-character names (`bench/.data/`, kept between",
      `runs), ${rounds(runs)} of: \`md5sum\` of the file (the yardstick, the file already in the page`,
      "cache), `scanDeviceList` alone in a fresh process (timed inside it), and the bundled action",
      "rolling the list out against the emulator (scan, CreateTaskFileUrl, upload, BatchUpdateFirmware).",
      "The emulator only counts the uploaded bytes (`hashUploads: false`), so its own MD5 does not",
      "compete for the CPU; the task's FileMd5, the action's MD5 of what it sent, must equal",
      "md5sum's. Medians; peak RSS",
      "is the highest of the rounds (getrusage's maxRSS, written by a preloaded module at exit).",
    ].join("\n"),
    table(
      [
        "Node",
        "names",
        "size",
        "md5sum",
        "scan",
        "action",
        `action / md5sum (target ≤ ${MAX_RATIO} at 8M)`,
        `peak RSS (≤ ${MAX_RSS_MIB} MiB)`,
      ],
      rows,
    ),
    failures.join("\n"),
    [
      `"Flat in list size" is read here as: the largest list's peak RSS at most ${MAX_RSS_GROWTH_MIB} MiB above the`,
      "smallest's. It stays flat because the file is streamed through a few reused 1 MiB buffers",
      "and the table that finds repeated names has a fixed size; most of the peak is Node and the",
      "bundle. The time goes to checking the lines (the scan column) and to uploading, where the",
      "MD5 is computed as the bytes go out instead of in a second pass (about 0.9× md5sum on its",
      "own); both passes read one chunk ahead, so the thread pool reads while the main thread works.",
      "At 100k names start-up dominates, so the ratio only means something for the largest list.",
      "Tried on 2026-11-26 and not kept: the MD5 on a worker thread of its own saved ~60 ms at 8M",
      "names but cost 7-8 MiB of peak memory (an idle worker alone takes ~10 MiB on Node 20, ~19",
      "MiB on Node 24), for a gain only a loopback link shows: on a real link the hashing already",
      "overlaps the kernel's sending; synchronous reads in the scan saved under 10 ms.",
    ].join("\n"),
  ].join("\n\n");
}

export function waitSection(nodes: NodeResults[]): string {
  const rows = nodes.flatMap((one) => {
    const { wait, plan } = one;
    if (wait === undefined || plan === undefined) return [];
    return [
      [
        nodeName(one.version),
        `exit ${wait.code}, ${wait.outputs["status"] ?? "no status"}`,
        `${wait.seconds.toFixed(1)} s`,
        String(wait.polls),
        `${wait.devicePages} (${wait.pagesPerPoll.join(", ")})`,
        mib(wait.peakRssMiB),
        `${planCheck(plan).figure}: ${verdict(planCheck(plan).met)}`,
        mib(plan.heapMiB),
      ],
    ];
  });
  const sample = nodes.find((one) => one.wait !== undefined)?.wait;
  if (sample === undefined) return "";
  return [
    "## Waiting at scale",
    [
      `A ${count(sample.devices)}-device original-version rollout, ${count(sample.failing)} devices`,
      "`fail-at-once` and the rest `succeed`, followed by the bundle (`wait: true`,",
      `\`poll-interval: ${POLL_SECONDS}s\`, \`max-failed-devices: 3%\`), its calls counted by the emulator;`,
      "and `planWaves` (src/waves/plan.ts) on 1,000,000 names in five waves (1/5/20/50/100 %), in a",
      "fresh process of the same Node. One run each.",
    ].join("\n"),
    table(
      [
        "Node",
        "result",
        "wall",
        "polls (DescribeFirmwareTaskDistribution)",
        "DescribeFirmwareTaskDevices (after each poll)",
        "peak RSS",
        `planWaves 1M (target < ${PLAN_MAX_SECONDS} s)`,
        "planning heap growth",
      ],
      rows,
    ),
    [
      `Device rows are read only when failures need a closer look, and at most ${MAX_PAGES} pages`,
      `(${count(MAX_PAGES * ROWS_PER_PAGE)} rows) at a time: with failures spread over all`,
      `${count(sample.devices)} rows, the failures named are those in the first ${count(MAX_PAGES * ROWS_PER_PAGE)}.`,
      "That bound is the point: naming failures must never become a scan of the whole fleet.",
    ].join("\n"),
  ].join("\n\n");
}

export function wavesSection(nodes: NodeResults[]): string {
  const row = (node: string, run: WavesRun, which: string) => [
    node,
    which,
    String(run.code),
    String(run.tasks),
    run.outputs["waves-completed"] ?? "-",
    "callsBeforeCreate" in run ? String(run.callsBeforeCreate) : "-",
    `${run.seconds.toFixed(1)} s`,
    `${mib(run.peakRssMiB)}: ${verdict(run.peakRssMiB <= MAX_RSS_MIB)}`,
  ];
  const rows = nodes.flatMap((one) => [
    ...(one.waves ? [row(nodeName(one.version), one.waves, "first run, five waves")] : []),
    ...(one.resumed
      ? [row(nodeName(one.version), one.resumed, resumedLabel(one.resumed.rows))]
      : []),
    ...(one.resumedLedger
      ? [
          row(
            nodeName(one.version),
            one.resumedLedger,
            `resumed from the deployment's record (${one.resumedLedger.githubCalls} GitHub calls)`,
          ),
        ]
      : []),
  ]);
  if (rows.length === 0) return "";
  return [
    "## Progressive rollout",
    [
      `A 100,000-name device list in five waves (\`${WAVES}\`), the bundled action as a process`,
      "against the emulator; every wave has more than 500 names, so each is uploaded as a list of",
      "its own and followed. Then the same rollout resumed: a first run makes four waves",
      "(`waves-per-run: 4`), and the measured run reads their tasks back from the version's device",
      "rows (one set of names per earlier task), follows them and makes the fifth; and again with",
      "a GitHub stand-in, where the measured run reads the tasks from the deployment's statuses and",
      "only confirms them with Tencent's task list. One run each;",
      "tasks counts every task the emulator holds after the measured run. API calls before the",
      "next create: the resumed run's IoT Video calls before its first CreateTaskFileUrl or",
      "BatchUpdateFirmware (each is a round trip to a far, rate-limited API).",
    ].join("\n"),
    table(
      [
        "Node",
        "run",
        "exit",
        "tasks",
        "waves completed",
        "API calls before the next create",
        "wall",
        `peak RSS (target ≤ ${MAX_RSS_MIB} MiB)`,
      ],
      rows,
    ),
  ].join("\n\n");
}

function resumedLabel(rows: number): string {
  return `resumed after four waves (${count(rows)} device rows read back)`;
}

/** How many inline names a process could be started with, and where the action warns. */
export function inlineSection(nodes: NodeResults[]): string {
  const rows = nodes.flatMap((one) =>
    one.inline
      ? [
          [
            nodeName(one.version),
            `${count(one.inline.maxNames)} (${count(one.inline.maxBytes)} bytes)`,
            count(one.inline.warnFrom),
            `${one.inline.warnedAt ? "yes" : "**no**"}, quiet at ${count(one.inline.warnFrom - 1)}: ${one.inline.quietBelow ? "yes" : "**no**"}`,
          ],
        ]
      : [],
  );
  if (rows.length === 0) return "";
  return [
    "## Inline names",
    [
      "Linux refuses to start a process with one environment variable over 128 KiB (MAX_ARG_STRLEN,",
      "131,072 bytes with the name and the terminating NUL), so `device-names` has a size limit the",
      "runner, not the action, enforces: the step would not start at all. The bench starts `node -e 0`",
      "with `INPUT_DEVICE-NAMES` of 19-character names, one per line, to find the most it takes (one",
      "more fails with E2BIG), and runs the bundled action (a dry run) at the size where it should",
      "point users to `device-list` (100 KiB) and one name below it.",
    ].join("\n"),
    table(["Node", "most names a process starts with", "the action warns from", "warned"], rows),
  ].join("\n\n");
}
