import { describe, expect, it } from "vitest";
import { GITHUB_CALL_MS } from "../../src/deployment/github.js";
import { productSeed, SAMPLE_PRODUCT_ID, startEmulator } from "../emulator/index.js";
import { startGitHubStandIn } from "../support/github/standin.js";
import { fakeClock, runInProcess } from "../support/in-process.js";
import { sampleInputs } from "../support/sample-inputs.js";

// A GitHub that takes requests and never answers, with the step in-process on a fake clock: the
// time GitHub may cost the rollout is read off the run's clock, not measured with a stopwatch.
describe("a GitHub that never answers", () => {
  it("costs the rollout one bounded lookup on its clock, creates nothing blind, and says so", async () => {
    const emulator = await startEmulator({
      products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount: 3 }) },
    });
    const github = await startGitHubStandIn();
    github.setMode("hang");
    try {
      const clock = fakeClock();
      const run = await runInProcess(
        sampleInputs(emulator, {
          "device-names": "dev-001,dev-002,dev-003",
          "github-token": github.token,
        }),
        clock,
        {
          GITHUB_REPOSITORY: "acme/cams",
          GITHUB_API_URL: github.url,
          GITHUB_REF_TYPE: "tag",
          GITHUB_REF_NAME: "v2.0.0",
        },
      );
      expect(run.code).toBe(0);
      expect(run.outputs["status"]).toBe("created");
      expect(emulator.tasks).toHaveLength(1);
      // Nothing else in a rollout without wait sleeps: all the clock moved is GitHub's bound, once
      // (the lookup; without it no deployment is created, so the status is not tried).
      expect(run.elapsedMs).toBe(GITHUB_CALL_MS);
      const warnings = run.stdout.split("\n").filter((line) => line.startsWith("::warning"));
      expect(warnings).toEqual([
        expect.stringContaining(`no answer within ${GITHUB_CALL_MS / 1000} s`),
      ]);
      expect(github.requests.filter((r) => r.status !== undefined)).toEqual([]);
    } finally {
      await github.close();
      await emulator.close();
    }
  });
});
