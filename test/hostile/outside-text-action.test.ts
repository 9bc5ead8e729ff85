import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answer, startStandIn, type StandInHandler } from "../support/hostile/api-stand-in.js";
import { renderGfm } from "../support/markdown.js";
import { runAction, type ActionRun } from "../support/run-action.js";

// The sinks' rules at work in the bundled action: what a server or the inputs say reaches the
// log, the job summary and the outputs only as inert text.
const EVIL_MARKDOWN =
  "[x](https://evil.example/t) ![](https://evil.example/p.png) www.evil.example";

async function rollout(
  handlers: Record<string, StandInHandler>,
  inputs: Record<string, string>,
): Promise<{ run: ActionRun; summary: string }> {
  const standIn = await startStandIn({
    DescribeFirmwareTasks: () => ({ TaskInfos: [], Total: 0 }),
    ...handlers,
  });
  const dir = await mkdtemp(join(tmpdir(), "outside-text-"));
  try {
    await writeFile(join(dir, "summary.md"), "");
    const run = await runAction({
      inputs: {
        "product-id": "P1",
        "firmware-version": "2.0.0",
        "secret-id": "AKIDstandin",
        "secret-key": "stand-in-key-123",
        endpoint: standIn.url,
        ...inputs,
      },
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: join(dir, "summary.md") },
    });
    return { run, summary: await readFile(join(dir, "summary.md"), "utf8") };
  } finally {
    await standIn.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every workflow command the runner would read in the log, but for add-mask and debug. */
function commands(run: ActionRun): string[] {
  return run.stdout
    .split("\n")
    .filter((line) => /^\s*::/.test(line) || line.includes("##["))
    .filter((line) => !/^::(add-mask|debug|error)::/.test(line) || line.includes("##["));
}

describe.concurrent("outside text in the bundled action", () => {
  it("a RequestId with line breaks and $(…) reaches request-id as one inert line", async () => {
    const { run } = await rollout(
      {
        BatchUpdateFirmware: (_call, res) =>
          answer(res, { TaskId: 3 }, "r-1\n$(id)\n::set-output name=task-id::666"),
      },
      { "firmware-original-version": "1.0.0" },
    );
    expect(run.code).toBe(0);
    expect(run.outputs["task-id"]).toBe("3");
    expect(run.outputs["request-id"]).toBe(
      "r-1\\u000a\\u0024\\u0028id\\u0029\\u000a::set-output\\u0020name=task-id::666",
    );
    expect(commands(run)).toEqual([]);
  });

  it("device names with ##[ and :: in a dry run's request line: no command in the log", async () => {
    const { run, summary } = await rollout(
      {},
      {
        "device-names": `cam-1,##[group]x,::error::y,${EVIL_MARKDOWN.split(" ")[0]!}`,
        "dry-run": "true",
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Dry run: nothing was created.");
    expect(commands(run)).toEqual([]);
    expect(renderGfm(summary)).not.toMatch(/<a |<img /);
  });

  it("a server's message with a link and an image: inert in the summary", async () => {
    const { run, summary } = await rollout(
      {
        BatchUpdateFirmware: () => ({
          Error: { Code: "InvalidParameterValue", Message: EVIL_MARKDOWN },
        }),
      },
      { "firmware-original-version": "1.0.0" },
    );
    expect(run.code).toBe(1);
    const html = renderGfm(summary);
    expect(html).toContain(
      "[x](https://evil.example/t) ![](https://evil.example/p.png) www.evil.example",
    );
    expect(html).not.toMatch(/<a |<img /);
  });
});
