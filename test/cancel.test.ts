import { describe, expect, it } from "vitest";
import { cancelledLine, type Stage } from "../src/cancel.js";

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
  ])("$stage.step", ({ stage, says }) => {
    const line = cancelledLine(stage, "SIGINT");
    expect(line).toMatch(/^The step was cancelled \(SIGINT\) /);
    expect(line).toContain(says);
  });
});
