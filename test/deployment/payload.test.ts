import { describe, expect, it } from "vitest";
import { payloadOf, sameRollout, type RolloutPayload } from "../../src/deployment/payload.js";

const ours: RolloutPayload = {
  tool: "iotvideo-firmware-rollout",
  product: "P1",
  firmwareVersion: "2.0.0",
  target: "3 devices",
  plan: "sha256:ab",
};

describe("a deployment's payload", () => {
  it("is read back as an object or as the JSON string GitHub may return", () => {
    expect(payloadOf(ours)).toEqual(ours);
    expect(payloadOf(JSON.stringify(ours))).toEqual(ours);
  });

  it.each([
    { name: "another tool's", payload: { ...ours, tool: "other" } },
    { name: "no product", payload: { ...ours, product: "" } },
    { name: "a number for the version", payload: { ...ours, firmwareVersion: 2 } },
    { name: "broken JSON", payload: "{" },
    { name: "null", payload: null },
    { name: "an empty string (GitHub's default)", payload: "" },
  ])("is not ours when it is $name", ({ payload }) => {
    expect(payloadOf(payload)).toBeUndefined();
  });

  it("is the same rollout for the same product and version, whatever ref or target", () => {
    expect(sameRollout({ ...ours, target: "other devices", plan: "sha256:cd" }, ours)).toBe(true);
    expect(sameRollout({ ...ours, firmwareVersion: "2.0.1" }, ours)).toBe(false);
    expect(sameRollout({ ...ours, product: "P2" }, ours)).toBe(false);
  });
});
