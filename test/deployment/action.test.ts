import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { productSeed, SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "../emulator/index.js";
import { startGitHubStandIn, type GitHubStandIn } from "../support/github/standin.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";
import { until } from "../support/until.js";
import { callApi } from "../emulator/test-client.js";

// The rollout recorded as a GitHub Deployment, with the bundled action as a process against the
// IoT Video emulator and a GitHub stand-in that checks every request against GitHub's published
// OpenAPI description. 20 devices that upgrade at once, in three waves, and one outside them.
const DEVICES = Array.from({ length: 20 }, (_, i) => `dev-${String(i + 1).padStart(3, "0")}`);
const WAVES = "2, 50%, 100%";
const ENVIRONMENT = `firmware-${SAMPLE_PRODUCT_ID}`;
const PER_RUN = { waves: WAVES, "waves-per-run": "1" };

interface World {
  emulator: Emulator;
  github: GitHubStandIn;
  dir: string;
  /** One run of the job: its own run id, on the tag or (`branch`) on the default branch's commit. */
  run: (
    extra?: Record<string, string>,
    options?: {
      runId?: number;
      branch?: boolean;
      debug?: boolean;
      onSpawn?: (c: ChildProcess, out: () => string) => void;
    },
  ) => Promise<ActionRun>;
}

async function withWorld<T>(body: (world: World) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({
    products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount: 21 }) },
    deviceStepMs: 1,
  });
  const github = await startGitHubStandIn();
  const dir = await mkdtemp(join(tmpdir(), "deployments-"));
  const run: World["run"] = async (extra = {}, options = {}) => {
    await writeFile(join(dir, "summary.md"), "");
    return runAction({
      inputs: sampleInputs(emulator, {
        "device-names": DEVICES.join(","),
        "github-token": github.token,
        ...extra,
      }),
      cwd: dir,
      env: {
        GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
        GITHUB_REPOSITORY: "acme/cams",
        GITHUB_API_URL: github.url,
        GITHUB_SERVER_URL: "https://github.example",
        GITHUB_RUN_ID: String(options.runId ?? 1),
        GITHUB_RUN_ATTEMPT: "1",
        GITHUB_SHA: "c".repeat(40),
        ...(options.branch
          ? { GITHUB_REF_TYPE: "branch", GITHUB_REF_NAME: "main" }
          : { GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v2.0.0" }),
        ...(options.debug ? { RUNNER_DEBUG: "1" } : {}),
      },
      ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
    });
  };
  try {
    return await body({ emulator, github, dir, run });
  } finally {
    await github.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const warnings = (run: ActionRun) =>
  run.stdout.split("\n").filter((l) => l.startsWith("::warning"));
const rowsRead = (emulator: Emulator, from: number) =>
  emulator.requests.slice(from).filter((r) => r.action === "DescribeFirmwareTaskDevices").length;
const statusLines = (github: GitHubStandIn) =>
  github.deployments[0]!.statuses.map((s) => `${s.state}: ${s.description}`);

describe.concurrent("the rollout as a GitHub Deployment", () => {
  it("a wave rollout over three runs: one deployment, statuses in order, later runs read no device rows", () =>
    withWorld(async ({ emulator, github, dir, run }) => {
      const perRun = { waves: WAVES, "waves-per-run": "1" };
      const first = await run(perRun, { runId: 101 });
      expect(first.errors).toEqual([]);
      const second = await run(perRun, { runId: 102, branch: true });
      const afterFirst = emulator.requests.length;
      const third = await run(perRun, { runId: 103, branch: true });
      expect([first.code, second.code, third.code]).toEqual([0, 0, 0]);
      expect(emulator.tasks).toHaveLength(3);
      expect(github.problems).toEqual([]);
      expect(github.deployments).toHaveLength(1);
      const { deployment, statuses } = github.deployments[0]!;
      expect(deployment).toMatchObject({
        ref: "v2.0.0",
        environment: ENVIRONMENT,
        payload: { product: SAMPLE_PRODUCT_ID, firmwareVersion: "2.0.0", target: "20 devices" },
      });
      const [t1, t2, t3] = emulator.tasks.map((t) => t.taskId);
      expect(statusLines(github)).toEqual([
        `in_progress: wave 1/3 · task ${t1} · created: 2 devices`,
        `in_progress: wave 1/3 · task ${t1} · passed: 2 of 2 upgraded`,
        `in_progress: wave 1/3 · task ${t1} · passed: 1 of 3 waves done, a later run goes on`,
        `in_progress: wave 2/3 · task ${t2} · created: 8 devices`,
        `in_progress: wave 2/3 · task ${t2} · passed: 8 of 8 upgraded`,
        `in_progress: wave 2/3 · task ${t2} · passed: 2 of 3 waves done, a later run goes on`,
        `in_progress: wave 3/3 · task ${t3} · created: 10 devices`,
        `in_progress: wave 3/3 · task ${t3} · passed: 10 of 10 upgraded`,
        expect.stringMatching(
          new RegExp(`^success: wave 3/3 · task ${t3} · passed, all waves done`),
        ),
      ]);
      expect(statuses.map((s) => s.log_url)).toEqual([
        ...Array(3).fill("https://github.example/acme/cams/actions/runs/101/attempts/1"),
        ...Array(3).fill("https://github.example/acme/cams/actions/runs/102/attempts/1"),
        ...Array(3).fill("https://github.example/acme/cams/actions/runs/103/attempts/1"),
      ]);
      // The third run found the waves in the record and Tencent confirmed them: no device rows.
      expect(rowsRead(emulator, afterFirst)).toBe(0);
      expect(third.stdout).toContain("all confirmed by Tencent: no device rows read");
      const summary = await readFile(join(dir, "summary.md"), "utf8");
      expect(summary).toContain(`https://github.example/acme/cams/deployments/${ENVIRONMENT}`);
    }));

  it("a single task: in_progress when created, success when its devices upgraded", () =>
    withWorld(async ({ github, run }) => {
      const done = await run({ wait: "true", environment: "cams-eu" });
      expect(done.code).toBe(0);
      expect(github.problems).toEqual([]);
      expect(github.deployments.map((d) => d.deployment.environment)).toEqual(["cams-eu"]);
      expect(statusLines(github)).toEqual([
        expect.stringMatching(/^in_progress: task \d+ · created: 20 devices$/),
        expect.stringMatching(/^success: task \d+ · done: 20 of 20 upgraded, 0 failed$/),
      ]);
    }));

  it("without deployments: write (403): one warning naming the permission, the rollout goes on", () =>
    withWorld(async ({ emulator, github, run }) => {
      github.setMode("forbidden");
      const done = await run({ wait: "true" });
      expect(done.code).toBe(0);
      expect(done.outputs["status"]).toBe("succeeded");
      expect(emulator.tasks).toHaveLength(1);
      expect(warnings(done)).toHaveLength(1);
      expect(warnings(done)[0]).toContain("deployments: write");
      expect(warnings(done)[0]).toContain("github-token");
      // The first call was refused; none followed it.
      expect(github.requests).toHaveLength(1);
    }));

  it("github-token empty: no GitHub call at all", () =>
    withWorld(async ({ github, run }) => {
      const done = await run({ wait: "true", "github-token": "" });
      expect(done.code).toBe(0);
      expect(github.requests).toEqual([]);
      expect(warnings(done)).toEqual([]);
    }));

  it("GitHub down: the rollout and its outcome stand, two calls tried, one warning", () =>
    withWorld(async ({ emulator, github, run }) => {
      github.setMode("down");
      const done = await run({ waves: WAVES });
      expect(done.code).toBe(0);
      expect(done.outputs).toMatchObject({ status: "succeeded", "waves-completed": "3" });
      expect(emulator.tasks).toHaveLength(3);
      expect(github.requests).toHaveLength(2);
      expect(warnings(done)).toEqual([
        expect.stringContaining("GitHub did not answer 2 times in a row"),
      ]);
    }));

  it("a job killed between creating a wave and recording it: the next run finds the task from Tencent's rows", () =>
    withWorld(async ({ emulator, github, run }) => {
      const perRun = { waves: WAVES, "waves-per-run": "1" };
      expect((await run(perRun, { runId: 201 })).code).toBe(0);
      let child: ChildProcess | undefined;
      let output = () => "";
      const killed = run(perRun, {
        runId: 202,
        onSpawn: (c, out) => ((child = c), (output = out)),
      });
      // GitHub stops answering once wave 2 is being created: its status never gets recorded.
      expect(await until(() => output().includes("Creating wave 2"), killed)).toBe(true);
      github.setMode("hang");
      expect(
        await until(
          () => /Created upgrade task \d+/.test(output().split("Creating wave 2")[1] ?? ""),
          killed,
        ),
      ).toBe(true);
      child?.kill("SIGKILL");
      await killed;
      github.setMode("ok");
      expect(emulator.tasks).toHaveLength(2);
      const from = emulator.requests.length;
      const resumed = await run(perRun, { runId: 203 });
      expect(resumed.code).toBe(0);
      // Wave 2's task was found (from the rows) and followed; wave 3 created; none made twice.
      expect(emulator.tasks).toHaveLength(3);
      expect(resumed.stdout).toContain("is not in it");
      expect(rowsRead(emulator, from)).toBeGreaterThan(0);
      expect(resumed.stdout).toContain(`Following wave 2's task ${emulator.tasks[1]!.taskId}`);
      expect(github.problems).toEqual([]);
      expect(github.deployments).toHaveLength(1);
    }));

  it("a wave that fails: the deployment says failure with the gate in numbers", () =>
    withWorld(async ({ emulator, github, run }) => {
      emulator.planDevices(Object.fromEntries(DEVICES.map((name) => [name, "fail"])));
      const done = await run({ waves: WAVES });
      expect(done.code).toBe(1);
      expect(github.problems).toEqual([]);
      const last = github.deployments[0]!.statuses.at(-1)!;
      expect(last.state).toBe("failure");
      expect(last.description).toMatch(/^wave 1\/3 · task \d+ · failed: 0 of 2 upgraded/);
    }));

  it("rate limit spent: one warning that says so (not the permission), the rollout goes on", () =>
    withWorld(async ({ emulator, github, run }) => {
      github.setMode("rate-limited");
      const done = await run({ wait: "true" });
      expect(done.code).toBe(0);
      expect(emulator.tasks).toHaveLength(1);
      expect(warnings(done)).toEqual([
        expect.stringContaining("rate limit for github-token is spent"),
      ]);
      expect(warnings(done)[0]).not.toContain("deployments: write");
    }));

  it("one 502 from GitHub: tried again, nothing lost, no warning", () =>
    withWorld(async ({ github, run }) => {
      github.failNext(1, 502);
      const done = await run({ wait: "true" });
      expect(done.code).toBe(0);
      expect(warnings(done)).toEqual([]);
      expect(github.deployments).toHaveLength(1);
      expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual([
        "in_progress",
        "success",
      ]);
    }));

  it("a lookup GitHub did not answer never leads to a second deployment", () =>
    withWorld(async ({ emulator, github, run }) => {
      expect((await run(PER_RUN, { runId: 301 })).code).toBe(0);
      github.failNext(2, 503);
      const second = await run(PER_RUN, { runId: 302, branch: true });
      expect(second.code).toBe(0);
      expect(emulator.tasks).toHaveLength(2);
      expect(github.deployments).toHaveLength(1);
      expect(warnings(second)).toEqual([expect.stringContaining("did not answer 2 times")]);
    }));

  it("a console task of the version between runs: the record is not trusted, the rows decide", () =>
    withWorld(async ({ emulator, github, run }) => {
      expect((await run(PER_RUN, { runId: 401 })).code).toBe(0);
      const wave2 = emulator.tasks.length;
      // Someone upgrades a device outside the rollout, in the console.
      const outside = await callApi(emulator, "BatchUpdateFirmware", {
        ProductID: SAMPLE_PRODUCT_ID,
        FirmwareVersion: "2.0.0",
        UpgradeMethod: 0,
        DeviceNames: ["dev-021"],
      });
      expect(outside.response?.Error).toBeUndefined();
      const from = emulator.requests.length;
      const next = await run(PER_RUN, { runId: 402 });
      expect(next.code).toBe(0);
      expect(next.stdout).toContain("is not in it");
      expect(rowsRead(emulator, from)).toBeGreaterThan(0);
      // One new wave, not the console task taken for one.
      expect(emulator.tasks).toHaveLength(wave2 + 2);
      expect(github.deployments[0]!.statuses.map((s) => s.description)).not.toContainEqual(
        expect.stringContaining(`task ${emulator.tasks[wave2]!.taskId} `),
      );
    }));

  it("never prints github-token, not even with debug logging", () =>
    withWorld(async ({ github, run }) => {
      github.setMode("forbidden");
      const done = await run({ wait: "true" }, { debug: true });
      expect(done.code).toBe(0);
      expect(done.stdout).toContain("::debug::");
      // The runner consumes ::add-mask:: and masks the value from then on.
      const printed = (done.stdout + done.stderr)
        .split("\n")
        .filter((line) => !line.startsWith("::add-mask::"));
      expect(printed.join("\n")).not.toContain(github.token);
    }));
});
