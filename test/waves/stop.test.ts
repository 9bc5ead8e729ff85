import { describe, expect, it } from "vitest";
import { describeCancel } from "../../src/waves/stop.js";

// What a failed wave's error says of its cancel: every not-started device is cancelled, moved
// on, or named as one that will still take the firmware.
describe("describeCancel", () => {
  it("all cancelled", () => {
    expect(
      describeCancel({ cancelled: 12, skipped: 0, failed: 0, failures: [], notTried: [] }),
    ).toBe("Cancelled 12 of its devices that had not started.");
  });

  it("names refusals and untried devices apart, never as one 'could not be cancelled'", () => {
    const text = describeCancel({
      cancelled: 90,
      skipped: 2,
      failed: 8,
      failures: [{ name: "cam-1", reason: "InvalidParameterValue" }],
      notTried: ["cam-2", "cam-3", "cam-4", "cam-5", "cam-6", "cam-7", "::error::x"],
      stopped: "the step was cancelled",
    });
    expect(text).toBe(
      "Cancelled 90 of its devices that had not started (2 had moved on). 1 could not be cancelled and will still take the firmware: cam-1. 7 were not tried (the step was cancelled) and will still take the firmware unless cancelled in the console: cam-2, cam-3, cam-4, cam-5, cam-6 and 2 more.",
    );
  });
});
