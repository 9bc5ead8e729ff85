import { describe, expect, it } from "vitest";
import { productSeed, SAMPLE_PRODUCT_ID, startEmulator } from "../emulator/index.js";
import { startGitHubStandIn } from "../support/github/standin.js";
import { runInProcess } from "../support/in-process.js";
import { sampleInputs } from "../support/sample-inputs.js";

/**
 * A fake clock on which the rollout's own waits pass at once, while a bound on a GitHub call
 * (a sleep given a stop signal) never runs out: GitHub here always answers in time.
 */
function patientClock() {
  const start = Date.now();
  let offset = 0;
  return {
    now: () => start + offset,
    sleep: (ms: number, stop?: AbortSignal): Promise<void> =>
      stop === undefined
        ? Promise.resolve(void (offset += ms))
        : new Promise((wake) => stop.addEventListener("abort", () => wake(), { once: true })),
    elapsed: () => offset,
  };
}

describe("progress on the deployment while a task is followed", () => {
  it("an in_progress status every 10 minutes of the wait, not one per poll", async () => {
    // dev-003 never finishes downloading: the wait runs to wait-timeout, polling every 15 s.
    const emulator = await startEmulator({
      products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount: 3 }) },
      devicePlans: { "dev-003": "stall" },
    });
    const github = await startGitHubStandIn();
    try {
      const run = await runInProcess(
        sampleInputs(emulator, {
          "device-names": "dev-001,dev-002,dev-003",
          wait: "true",
          "wait-timeout": "25m",
          "github-token": github.token,
        }),
        patientClock(),
        {
          GITHUB_REPOSITORY: "acme/cams",
          GITHUB_API_URL: github.url,
          GITHUB_REF_TYPE: "tag",
          GITHUB_REF_NAME: "v2.0.0",
        },
      );
      expect(run.outputs["status"]).toBe("timed-out");
      expect(github.problems).toEqual([]);
      const statuses = github.deployments[0]!.statuses;
      const taskId = emulator.tasks[0]!.taskId;
      expect(statuses.map((s) => `${s.state}: ${s.description}`)).toEqual([
        `in_progress: task ${taskId} · created: 3 devices`,
        // At 10 and 20 minutes; 100 polls in all.
        `in_progress: task ${taskId} · 2 of 3 upgraded`,
        `in_progress: task ${taskId} · 2 of 3 upgraded`,
        `failure: task ${taskId} · timed out: 2 of 3 upgraded, 0 failed`,
      ]);
    } finally {
      await github.close();
      await emulator.close();
    }
  });
});
