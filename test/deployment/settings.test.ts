import { describe, expect, it } from "vitest";
import { environmentUrl, parseDeployment } from "../../src/deployment/settings.js";
import { InputError } from "../../src/run/errors.js";

const runner = {
  GITHUB_REPOSITORY: "acme/cams",
  GITHUB_REF_TYPE: "tag",
  GITHUB_REF_NAME: "v2.0.0",
  GITHUB_SHA: "a".repeat(40),
  GITHUB_SERVER_URL: "https://github.example.com/",
  GITHUB_API_URL: "https://github.example.com/api/v3",
  GITHUB_RUN_ID: "42",
  GITHUB_RUN_ATTEMPT: "2",
};

describe("parseDeployment", () => {
  it("records to firmware-<product> by default, the tag as ref, the run's attempt as the log", () => {
    const settings = parseDeployment("tok", "", "P1", runner);
    expect(settings).toEqual({
      token: "tok",
      environment: "firmware-P1",
      owner: "acme",
      repo: "cams",
      ref: "v2.0.0",
      serverUrl: "https://github.example.com",
      apiUrl: "https://github.example.com/api/v3",
      logUrl: "https://github.example.com/acme/cams/actions/runs/42/attempts/2",
    });
    expect(environmentUrl(settings!)).toBe(
      "https://github.example.com/acme/cams/deployments/firmware-P1",
    );
  });

  it("deploys the commit on a branch run, and links an environment name safely", () => {
    const settings = parseDeployment("tok", "fleet eu/prod", "P1", {
      ...runner,
      GITHUB_REF_TYPE: "branch",
    });
    expect(settings?.ref).toBe("a".repeat(40));
    expect(environmentUrl(settings!)).toMatch(/\/deployments\/fleet%20eu%2Fprod$/);
  });

  it.each([
    { name: "an empty token", token: "", env: runner },
    {
      name: "action.yml's default, unevaluated (local tools)",
      token: "${{ github.token }}",
      env: runner,
    },
    {
      name: "no repository (not on a runner)",
      token: "tok",
      env: { ...runner, GITHUB_REPOSITORY: "" },
    },
    { name: "no ref", token: "tok", env: { ...runner, GITHUB_REF_TYPE: "branch", GITHUB_SHA: "" } },
  ])("is off with $name", ({ token, env }) => {
    expect(parseDeployment(token, "", "P1", env)).toBeUndefined();
  });

  it("refuses an environment name GitHub would refuse, naming the input", () => {
    expect(() => parseDeployment("tok", "e".repeat(256), "P1", runner)).toThrow(InputError);
    expect(() => parseDeployment("tok", "e".repeat(256), "P1", runner)).toThrow(
      /'environment'.*255/,
    );
  });
});
