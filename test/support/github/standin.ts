// A stand-in for GitHub's REST API on loopback, for the deployments endpoints: what GITHUB_API_URL
// points at in tests. Every request, and every answer it gives, is checked against GitHub's
// published OpenAPI description (./openapi.ts), so neither the product nor the stand-in can drift
// from GitHub without a recorded problem.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadOpenApi, validateRequest, validateResponse, type Operation } from "./openapi.js";
import { DOCS, error, failure, rateLimited, STATUS_DESCRIPTION_MAX } from "./answers.js";
import { answer } from "./deployments.js";
import type {
  Answer,
  Checked,
  GitHubStandIn,
  SeenRequest,
  StandInMode,
  StandInOptions,
  State,
} from "./types.js";

export type {
  Deployment,
  DeploymentStatus,
  GitHubStandIn,
  SeenRequest,
  StandInMode,
  StandInOptions,
  StoredDeployment,
} from "./types.js";

/** Starts a GitHub stand-in on 127.0.0.1, on a port of the system's choosing. */
export async function startGitHubStandIn(options: StandInOptions = {}): Promise<GitHubStandIn> {
  loadOpenApi();
  const token = options.token ?? "ghs_standin";
  const requests: SeenRequest[] = [];
  const state: State = {
    base: "",
    now: options.now ?? Date.now,
    deployments: [],
    nextId: { deployment: 1, status: 1 },
  };
  let mode: StandInMode = "ok";
  const failing = { count: 0, status: 500 };

  // Faults, auth and refusal come before GitHub's work; every request is checked whatever the mode.
  const decide = (
    req: IncomingMessage,
    seen: SeenRequest,
    checked: Checked,
  ): Answer | undefined => {
    if (failing.count > 0) {
      failing.count--;
      return failure(failing.status);
    }
    if (mode === "hang") return undefined;
    if (mode === "down") return failure(503);
    if (!authorized(req.headers.authorization, token)) return error(401, "Bad credentials", DOCS);
    if (mode === "forbidden") return failure(403);
    if (mode === "rate-limited") return rateLimited();
    return answer(state, seen, checked);
  };
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const seen = see(req, requests);
      try {
        const checked = check(seen, text);
        const reply = decide(req, seen, checked);
        if (reply !== undefined) send(res, seen, checked.operation, reply);
      } catch (failed) {
        // A bug in the stand-in itself: say so where the test looks, and answer like GitHub's 500.
        seen.problems.push(`the stand-in failed: ${String(failed)}`);
        send(res, seen, undefined, error(500, "Server Error", DOCS));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: state.base,
    token,
    deployments: state.deployments,
    requests,
    get problems() {
      return requests.flatMap((r) => r.problems.map((p) => `${r.method} ${r.path}: ${p}`));
    },
    setMode: (next) => (mode = next),
    failNext: (count, status) => Object.assign(failing, { count, status }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

function see(req: IncomingMessage, requests: SeenRequest[]): SeenRequest {
  const url = new URL(req.url ?? "/", "http://standin.invalid");
  const seen: SeenRequest = {
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: undefined,
    status: undefined,
    problems: [],
  };
  requests.push(seen);
  return seen;
}

/** What the checks found: by GitHub's description, and by GitHub's rules in prose. */

/** Parses the body into `seen` and checks the request, recording every problem found. */
function check(seen: SeenRequest, text: string): Checked {
  let notJson = false;
  try {
    seen.body = text.trim() === "" ? undefined : JSON.parse(text);
  } catch {
    notJson = true;
    seen.problems.push("body: not JSON");
  }
  const { operation, problems: schema } = validateRequest(seen);
  const rules = githubRules(operation, seen.body);
  seen.problems.push(...schema, ...rules);
  return { operation, notJson, schema, rules };
}

/** GitHub's rules that its description states only in prose; it answers them 422. */
function githubRules(operation: Operation | undefined, body: unknown): string[] {
  if (operation?.operationId !== "repos/create-deployment-status") return [];
  const description = (body as { description?: unknown } | undefined)?.description;
  // Spec quirk: the request schema has no maxLength; the prose and the response schema say 140.
  return typeof description === "string" && description.length > STATUS_DESCRIPTION_MAX
    ? [
        `body.description: ${description.length} characters; GitHub allows ${STATUS_DESCRIPTION_MAX}`,
      ]
    : [];
}

function authorized(header: string | undefined, token: string): boolean {
  const match = /^(?:token|bearer) (.+)$/i.exec(header ?? "");
  return match?.[1] === token;
}

/** Answers, and checks a JSON answer against the operation's documented response. */
function send(res: ServerResponse, seen: SeenRequest, op: Operation | undefined, a: Answer): void {
  seen.status = a.status;
  if (op !== undefined && a.json !== undefined) {
    seen.problems.push(...validateResponse(op, a.status, a.json).map((p) => `response: ${p}`));
  }
  const body = a.html ?? `${JSON.stringify(a.json)}\n`;
  res.writeHead(a.status, {
    "content-type": a.html === undefined ? "application/json; charset=utf-8" : "text/html",
    "content-length": Buffer.byteLength(body),
    "x-github-media-type": "github.v3; format=json",
    ...a.headers,
  });
  res.end(body);
}
