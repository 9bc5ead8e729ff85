import { describe, expect, it } from "vitest";
import { cancelledLine, type Stage } from "../src/run/cancel-watch.js";

describe("cancelledLine", () => {
  it.each<{ stage: Stage; says: string }>([
    {
      stage: { step: "preparing" },
      says: "before BatchUpdateFirmware was sent: no task was created.",
    },
    { stage: { step: "uploading" }, says: "while the device list was uploading" },
    {
      stage: { step: "creating", firmwareVersion: "2.1.0", target: "3 devices" },
      says: "a task of firmware 2.1.0 for 3 devices may exist",
    },
    { stage: { step: "created", taskId: 42 }, says: "after upgrade task 42 was created" },
    { stage: { step: "pausing", wave: 3 }, says: "during wave-pause, before wave 3 was created" },
    {
      stage: { step: "waiting", taskId: 9, wave: 2 },
      says: "while following wave 2's task 9: the wait stops, the task goes on upgrading devices on Tencent's side, and no further wave is created. Run the job again with the same inputs to go on from wave 2.",
    },
    {
      stage: { step: "cancelling", taskId: 7, wave: 2 },
      says: "cancelling the not-started devices of wave 2 (task 7)",
    },
  ])("$stage.step", ({ stage, says }) => {
    const line = cancelledLine(stage, "SIGINT");
    expect(line).toMatch(/^The step was cancelled \(SIGINT\) /);
    expect(line).toContain(says);
  });
});
