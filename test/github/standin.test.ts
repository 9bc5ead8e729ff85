import { request as httpRequest } from "node:http";
import { getOctokit } from "@actions/github";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  findOperation,
  loadOpenApi,
  validateRequest,
  validateResponse,
} from "../support/github/openapi.js";
import { startGitHubStandIn, type GitHubStandIn } from "../support/github/standin.js";
import { until } from "../support/until.js";

// The stand-in answers like GitHub for deployments, and checks every request and every answer
// against GitHub's own OpenAPI description: these tests drive it with the Octokit the product uses.
type Octokit = ReturnType<typeof getOctokit>;

const REPO = { owner: "octo-org", repo: "firmware" };
const SHA = /^[0-9a-f]{40}$/;

let standin: GitHubStandIn;
let octokit: Octokit;

beforeEach(async () => {
  standin = await startGitHubStandIn();
  octokit = getOctokit(standin.token, { baseUrl: standin.url });
});
afterEach(async () => {
  await standin.close();
});

/** The HTTP status and message of a call that must fail. */
async function refusal(call: Promise<unknown>): Promise<{ status: unknown; message: string }> {
  const error = await call.then(
    () => expect.fail("the call succeeded"),
    (e: unknown) => e as { status?: unknown; message: string },
  );
  return { status: error.status, message: error.message };
}

/** The deployment in a create answer; GitHub may answer 202 (a merge) instead. */
function deployed<T extends object>(data: T): Extract<T, { id: number }> {
  if (!("id" in data)) throw new Error(`expected a deployment, got ${JSON.stringify(data)}`);
  return data as Extract<T, { id: number }>;
}

/** A call Octokit's types would refuse to build: what a bug in the product could still send. */
function untyped(o: Octokit, route: string, params: Record<string, unknown>) {
  return o.request(route, params);
}

function createDeployment(environment = "firmware-prod", ref = "v2.0.0") {
  return octokit.rest.repos.createDeployment({
    ...REPO,
    ref,
    environment,
    auto_merge: false,
    required_contexts: [],
  });
}

async function newDeployment(environment?: string, ref?: string) {
  return deployed((await createDeployment(environment, ref)).data);
}

describe("like GitHub, with no problems", () => {
  it("creates a deployment, posts statuses and reads them back through @actions/github", async () => {
    const created = await octokit.rest.repos.createDeployment({
      ...REPO,
      ref: "v2.0.0",
      environment: "firmware-prod",
      description: "Firmware 2.0.0 to 3 devices",
      payload: { taskId: "task-42", devices: 3 },
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
    });
    expect(created.status).toBe(201);
    const deployment = deployed(created.data);
    const id = deployment.id;
    expect(created.data).toMatchObject({
      ref: "v2.0.0",
      task: "deploy",
      environment: "firmware-prod",
      original_environment: "firmware-prod",
      payload: { taskId: "task-42", devices: 3 },
      production_environment: true,
      transient_environment: false,
      creator: { login: "github-actions[bot]", type: "Bot" },
      statuses_url: `${standin.url}/repos/octo-org/firmware/deployments/${id}/statuses`,
    });
    expect(deployment.sha).toMatch(SHA);

    const post = (state: "in_progress" | "success", description: string) =>
      octokit.rest.repos.createDeploymentStatus({
        ...REPO,
        deployment_id: id,
        state,
        description,
        log_url: "https://github.com/octo-org/firmware/actions/runs/4242",
      });
    const first = await post("in_progress", "Rolling out");
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe(first.data.url);
    await post("success", "3 of 3 devices upgraded");

    const statuses = await octokit.rest.repos.listDeploymentStatuses({
      ...REPO,
      deployment_id: id,
    });
    expect(statuses.data.map((s) => [s.state, s.description, s.environment])).toEqual([
      ["success", "3 of 3 devices upgraded", "firmware-prod"],
      ["in_progress", "Rolling out", "firmware-prod"],
    ]);
    expect(statuses.data[0]?.target_url).toBe(statuses.data[0]?.log_url);

    const got = await octokit.rest.repos.getDeployment({ ...REPO, deployment_id: id });
    expect(got.data.id).toBe(id);
    const listed = await octokit.rest.repos.listDeployments({
      ...REPO,
      environment: "firmware-prod",
    });
    expect(listed.data.map((d) => d.id)).toEqual([id]);

    expect(standin.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ["in_progress", "success"],
    ]);
    expect(standin.requests.map((r) => r.status)).toEqual([201, 201, 201, 200, 200, 200]);
    expect(standin.problems).toEqual([]);
  });

  it.each([
    {
      name: "only a ref",
      extra: {},
      expected: { environment: "production", production_environment: true },
    },
    {
      name: "a staging environment",
      extra: { environment: "staging" },
      expected: { production_environment: false },
    },
    {
      name: "a task and a string payload",
      extra: { task: "flash", payload: '{"a":1}' },
      expected: { task: "flash", payload: '{"a":1}' },
    },
  ])("fills GitHub's defaults for $name", async ({ extra, expected }) => {
    const created = await octokit.rest.repos.createDeployment({ ...REPO, ref: "main", ...extra });
    expect(created.data).toMatchObject({
      task: "deploy",
      payload: {},
      description: "",
      ...expected,
    });
    expect(standin.problems).toEqual([]);
  });

  it("keeps a sha ref as the sha, and derives the same sha from the same ref name", async () => {
    const sha = "a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d";
    const bySha = await newDeployment("a", sha.toUpperCase());
    const one = await newDeployment("a", "v1");
    const again = await newDeployment("b", "v1");
    expect(bySha.sha).toBe(sha);
    expect(one.sha).toMatch(SHA);
    expect(again.sha).toBe(one.sha);
    const filtered = await octokit.rest.repos.listDeployments({ ...REPO, sha: one.sha });
    expect(filtered.data.map((d) => d.environment)).toEqual(["b", "a"]);
  });
});

describe("reports requests GitHub's description does not allow, and stores nothing", () => {
  const deploymentsRoute = "POST /repos/{owner}/{repo}/deployments";
  const statusesRoute = "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses";
  it.each([
    {
      name: "a status state GitHub does not know",
      call: (o: Octokit) => untyped(o, statusesRoute, { ...REPO, deployment_id: 1, state: "done" }),
      status: 422,
      problem: 'body.state: "done" is not one of error, failure',
    },
    {
      name: "a status description of 141 characters",
      call: (o: Octokit) =>
        untyped(o, statusesRoute, {
          ...REPO,
          deployment_id: 1,
          state: "success",
          description: "x".repeat(141),
        }),
      status: 422,
      problem: "body.description: 141 characters; GitHub allows 140",
    },
    {
      name: 'auto_merge: "no"',
      call: (o: Octokit) => untyped(o, deploymentsRoute, { ...REPO, ref: "v2", auto_merge: "no" }),
      status: 422,
      problem: 'body.auto_merge: "no" is not of type boolean',
    },
    {
      name: "a deployment without a ref",
      call: (o: Octokit) => untyped(o, deploymentsRoute, { ...REPO, environment: "prod" }),
      status: 422,
      problem: "body.ref: required but missing",
    },
    {
      name: "a payload that is neither an object nor a string",
      call: (o: Octokit) => untyped(o, deploymentsRoute, { ...REPO, ref: "v2", payload: 7 }),
      status: 422,
      problem: "body.payload: 7 fits none of its alternatives",
    },
    {
      name: "a deployment id that is not an integer",
      call: (o: Octokit) => untyped(o, "GET /repos/{owner}/{repo}/deployments/latest", REPO),
      status: 422,
      problem: 'path.deployment_id: "latest" is not of type integer',
    },
    {
      name: "per_page over 100",
      call: (o: Octokit) => o.rest.repos.listDeployments({ ...REPO, per_page: 101 }),
      status: 422,
      problem: "query.per_page: 101 is more than the documented maximum 100",
    },
    {
      name: "a query parameter GitHub does not know",
      call: (o: Octokit) =>
        untyped(o, "GET /repos/{owner}/{repo}/deployments", { ...REPO, state: "success" }),
      status: 422,
      problem: "query.state: not a known parameter",
    },
    {
      name: "a path GitHub does not have",
      call: (o: Octokit) => untyped(o, "GET /repos/{owner}/{repo}/deployment-list", REPO),
      status: 404,
      problem:
        "GET /repos/octo-org/firmware/deployment-list: no such operation in GitHub's description",
    },
  ])("$name", async ({ call, status, problem }) => {
    await createDeployment();
    const stored = standin.deployments.map((d) => [d.deployment.id, d.statuses.length]);
    const refused = await refusal(call(octokit));
    expect(refused.status).toBe(status);
    expect(standin.problems.join("\n")).toContain(problem);
    expect(
      standin.problems.filter((p) => p.includes("response:")),
      "its own answer",
    ).toEqual([]);
    expect(standin.deployments.map((d) => [d.deployment.id, d.statuses.length])).toEqual(stored);
  });

  it("answers a bad request with GitHub's 422 message naming the problems", async () => {
    const refused = await refusal(
      untyped(octokit, "POST /repos/{owner}/{repo}/deployments", { ...REPO, task: 3 }),
    );
    expect(refused.message).toContain("Invalid request.");
    expect(refused.message).toContain("body.ref: required but missing");
    expect(refused.message).toContain("body.task: 3 is not of type string");
  });

  it("answers 404 for a deployment it does not have, and that is no problem", async () => {
    const missing = { ...REPO, deployment_id: 99 };
    expect((await refusal(octokit.rest.repos.getDeployment(missing))).status).toBe(404);
    const post = octokit.rest.repos.createDeploymentStatus({ ...missing, state: "success" });
    expect((await refusal(post)).status).toBe(404);
    expect(standin.problems).toEqual([]);
  });
});

describe("paging and filters, newest first", () => {
  it("pages deployments with GitHub's Link header and filters them", async () => {
    for (const [environment, ref] of [
      ["a", "v1"],
      ["b", "v1"],
      ["a", "v2"],
      ["a", "v3"],
      ["a", "v4"],
    ] as const) {
      await createDeployment(environment, ref);
    }
    const first = await octokit.rest.repos.listDeployments({
      ...REPO,
      environment: "a",
      per_page: 3,
    });
    expect(first.data.map((d) => d.ref)).toEqual(["v4", "v3", "v2"]);
    const link = first.headers.link ?? "";
    expect(link).toContain('page=2>; rel="next"');
    expect(link).toContain('page=2>; rel="last"');
    expect(link).toContain("environment=a");

    const second = await octokit.rest.repos.listDeployments({
      ...REPO,
      environment: "a",
      per_page: 3,
      page: 2,
    });
    expect(second.data.map((d) => d.ref)).toEqual(["v1"]);
    expect(second.headers.link).toContain('rel="prev"');
    expect(second.headers.link).not.toContain('rel="next"');

    const all = await octokit.paginate(octokit.rest.repos.listDeployments, {
      ...REPO,
      per_page: 2,
    });
    expect(all.map((d) => d.id)).toEqual([5, 4, 3, 2, 1]);
    const byRef = await octokit.rest.repos.listDeployments({ ...REPO, ref: "v1" });
    expect(byRef.data.map((d) => d.environment)).toEqual(["b", "a"]);
    const byTask = await octokit.rest.repos.listDeployments({ ...REPO, task: "flash" });
    expect(byTask.data).toEqual([]);
    const otherRepo = await octokit.rest.repos.listDeployments({
      owner: "Octo-Org",
      repo: "other",
    });
    expect(otherRepo.data).toEqual([]);
    expect(standin.problems).toEqual([]);
  });

  it("lists statuses newest first, paged", async () => {
    const data = await newDeployment();
    for (const state of ["queued", "in_progress", "failure"] as const) {
      await octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: data.id, state });
    }
    const page = await octokit.rest.repos.listDeploymentStatuses({
      ...REPO,
      deployment_id: data.id,
      per_page: 2,
    });
    expect(page.data.map((s) => s.state)).toEqual(["failure", "in_progress"]);
    expect(page.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.repos.listDeploymentStatuses, {
      ...REPO,
      deployment_id: data.id,
      per_page: 2,
    });
    expect(all.map((s) => s.state)).toEqual(["failure", "in_progress", "queued"]);
    expect(standin.problems).toEqual([]);
  });

  it("marks an earlier successful deployment to the same non-production environment inactive", async () => {
    const succeed = async (environment: string) => {
      const data = await newDeployment(environment);
      await octokit.rest.repos.createDeploymentStatus({
        ...REPO,
        deployment_id: data.id,
        state: "success",
      });
    };
    await succeed("staging");
    await succeed("production");
    await succeed("staging");
    await succeed("production");
    expect(standin.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ["success", "inactive"],
      ["success"],
      ["success"],
      ["success"],
    ]);
  });
});

describe("faults", () => {
  it("refuses a wrong token or none with GitHub's 401", async () => {
    const wrong = getOctokit("ghs_wrong", { baseUrl: standin.url });
    const refused = await refusal(wrong.rest.repos.listDeployments(REPO));
    expect(refused).toMatchObject({
      status: 401,
      message: expect.stringContaining("Bad credentials"),
    });
    const none = await fetch(`${standin.url}/repos/octo-org/firmware/deployments`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ message: "Bad credentials", status: "401" });
  });

  it("refuses everything when forbidden, and still checks the requests", async () => {
    standin.setMode("forbidden");
    const refused = await refusal(createDeployment());
    expect(refused).toMatchObject({
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
    await refusal(untyped(octokit, "POST /repos/{owner}/{repo}/deployments", { ...REPO, ref: 1 }));
    expect(standin.problems).toEqual([
      "POST /repos/octo-org/firmware/deployments: body.ref: 1 is not of type string",
    ]);
    expect(standin.deployments).toEqual([]);
  });

  it("answers 503 with a page of HTML when down, once per call (Octokit does not retry)", async () => {
    standin.setMode("down");
    expect((await refusal(createDeployment())).status).toBe(503);
    expect(standin.requests.map((r) => r.status)).toEqual([503]);
    standin.setMode("ok");
    expect((await createDeployment()).status).toBe(201);
  });

  it("fails only the next requests when told to", async () => {
    standin.failNext(2, 502);
    expect((await refusal(createDeployment())).status).toBe(502);
    expect((await refusal(octokit.rest.repos.listDeployments(REPO))).status).toBe(502);
    expect((await createDeployment()).status).toBe(201);
    expect(standin.requests.map((r) => r.status)).toEqual([502, 502, 201]);
    expect(standin.deployments).toHaveLength(1);
  });

  it("never answers when hanging, until the caller gives up", async () => {
    standin.setMode("hang");
    const abort = new AbortController();
    const call = refusal(
      octokit.rest.repos.listDeployments({ ...REPO, request: { signal: abort.signal } }),
    );
    expect(await until(() => standin.requests.length === 1, AbortSignal.timeout(5_000))).toBe(true);
    expect(standin.requests[0]?.status).toBeUndefined();
    abort.abort();
    expect((await call).message).toMatch(/abort/i);
    expect(standin.requests[0]?.status).toBeUndefined();
  });

  it("closes with a request still hanging and a kept-alive connection open", async () => {
    await createDeployment(); // leaves undici's kept-alive connection behind
    standin.setMode("hang");
    const cut = new Promise<string>((resolve) => {
      const req = httpRequest(`${standin.url}/repos/octo-org/firmware/deployments`, {
        headers: { authorization: `token ${standin.token}` },
      });
      req.on("error", (error) => resolve(error.message));
      req.on("response", () => resolve("answered"));
      req.end();
    });
    expect(await until(() => standin.requests.length === 2, AbortSignal.timeout(5_000))).toBe(true);
    await standin.close();
    expect(await cut).toBe("socket hang up");
  });
});

describe("GitHub's description", () => {
  it("loads once; later loads are free", () => {
    expect(loadOpenApi()).toBeLessThan(5);
  });

  it("finds the operation by path template, a literal segment before a parameter", () => {
    const op = findOperation("POST", "/repos/o/r/deployments/12/statuses");
    expect(op).toMatchObject({
      operationId: "repos/create-deployment-status",
      pathParams: { owner: "o", repo: "r", deployment_id: "12" },
    });
    expect(findOperation("GET", "/repos/o/r/deployments")?.operationId).toBe(
      "repos/list-deployments",
    );
    expect(findOperation("GET", "/repos/o/r/releases/latest")?.operationId).toBe(
      "repos/get-latest-release",
    );
    expect(findOperation("PUT", "/repos/o/r/deployments")).toBeUndefined();
  });

  it("accepts a null only where the schema is nullable", () => {
    const check = (description: unknown) =>
      validateRequest({
        method: "POST",
        path: "/repos/o/r/deployments",
        query: {},
        body: { ref: "v2", description },
      }).problems;
    expect(check(null)).toEqual([]);
    const status = { method: "POST", path: "/repos/o/r/deployments/1/statuses", query: {} };
    expect(validateRequest({ ...status, body: { state: null } }).problems).toEqual([
      "body.state: is null, which is not allowed",
    ]);
    expect(validateRequest({ ...status, body: undefined }).problems).toEqual([
      "body: required but missing",
    ]);
  });

  it("finds what is missing or wrong in an answer, so the stand-in cannot drift", () => {
    const op = findOperation("GET", "/repos/o/r/deployments/1");
    if (op === undefined) throw new Error("no get-deployment operation");
    const problems = validateResponse(op, 200, { id: "1", sha: "abc", creator: { login: "x" } });
    expect(problems).toContain('body.id: "1" is not of type integer');
    expect(problems).toContain("body.node_id: required but missing");
    expect(problems).toContain("body.creator.avatar_url: required but missing");
    expect(validateResponse(op, 201, {})).toEqual([
      "status 201 is not among the documented answers",
    ]);
    expect(validateResponse(op, 503, "<html>")).toEqual([]);
  });
});
