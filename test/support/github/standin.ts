// A stand-in for GitHub's REST API on loopback, for the deployments endpoints: what GITHUB_API_URL
// points at in tests. Every request, and every answer it gives, is checked against GitHub's
// published OpenAPI description (./openapi.ts), so neither the product nor the stand-in can drift
// from GitHub without a recorded problem.
import { createHash } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadOpenApi, validateRequest, validateResponse, type Operation } from "./openapi.js";

/** How the stand-in answers: like GitHub, refusing, down, or never. */
export type StandInMode = "ok" | "forbidden" | "rate-limited" | "down" | "hang";

export interface StandInOptions {
  /** The token it accepts (default "ghs_standin"). */
  token?: string;
  /** The clock for created_at and updated_at (ms; default Date.now). */
  now?: () => number;
}

/** A request as the stand-in saw it, and how it answered. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body; undefined when none was sent (or it was not JSON). */
  body: unknown;
  /** The status answered; undefined while it goes unanswered ("hang"). */
  status: number | undefined;
  /** What GitHub's description finds wrong with the request, and ("response: …") the answer. */
  problems: string[];
}

/** A deployment as GitHub answers it. */
export interface Deployment {
  url: string;
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  statuses_url: string;
  repository_url: string;
  transient_environment: boolean;
  production_environment: boolean;
}

/** A deployment status as GitHub answers it. */
export interface DeploymentStatus {
  url: string;
  id: number;
  node_id: string;
  state: string;
  creator: Record<string, unknown>;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  updated_at: string;
  deployment_url: string;
  repository_url: string;
}

/** A stored deployment, with its statuses oldest first. */
export interface StoredDeployment {
  /** owner/repo as the creating request spelled it. */
  repository: string;
  deployment: Deployment;
  statuses: DeploymentStatus[];
}

/** A running stand-in. */
export interface GitHubStandIn {
  /** http://127.0.0.1:PORT, for GITHUB_API_URL or Octokit's baseUrl. */
  url: string;
  token: string;
  /** In creation order. */
  deployments: StoredDeployment[];
  requests: SeenRequest[];
  /** Every problem of every request, "METHOD /path: problem"; a test of good calls expects none. */
  readonly problems: string[];
  setMode(mode: StandInMode): void;
  /** The next `count` requests are answered `status` whatever the mode. */
  failNext(count: number, status: number): void;
  /** Stops listening and cuts every connection, kept-alive and unanswered ones too. */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  json?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

interface State {
  base: string;
  now: () => number;
  deployments: StoredDeployment[];
  nextId: { deployment: number; status: number };
}

const DOCS = "https://docs.github.com/rest";
/** GitHub refuses a deployment status description longer than this. */
const STATUS_DESCRIPTION_MAX = 140;

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
interface Checked {
  operation: Operation | undefined;
  notJson: boolean;
  schema: string[];
  rules: string[];
}

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

/** The answer when every check passed: GitHub's behaviour, by operation. */
function answer(state: State, seen: SeenRequest, checked: Checked): Answer {
  const op = checked.operation;
  if (op === undefined) return notFound();
  if (checked.notJson) return error(400, "Problems parsing JSON", op.documentationUrl);
  if (checked.schema.length > 0) {
    const message = ["Invalid request.", "", ...checked.schema].join("\n");
    return error(422, message, op.documentationUrl);
  }
  if (checked.rules.length > 0) {
    return validationFailed("DeploymentStatus", "description", op.documentationUrl);
  }
  const handler = HANDLERS[op.operationId];
  if (handler === undefined) {
    seen.problems.push(`the stand-in does not answer ${op.operationId}`);
    return error(404, "Not Found", op.documentationUrl);
  }
  return handler(state, op.pathParams, seen);
}

type Handler = (state: State, params: Record<string, string>, seen: SeenRequest) => Answer;

const HANDLERS: Record<string, Handler> = {
  "repos/create-deployment": (state, params, seen) => {
    const body = seen.body as CreateDeployment;
    const id = state.nextId.deployment++;
    const repository = `${params.owner}/${params.repo}`;
    const repositoryUrl = `${state.base}/repos/${repository}`;
    const environment = body.environment ?? "production";
    const at = timestamp(state.now());
    const deployment: Deployment = {
      url: `${repositoryUrl}/deployments/${id}`,
      id,
      node_id: nodeId("Deployment", id),
      sha: shaOf(body.ref),
      ref: body.ref,
      task: body.task ?? "deploy",
      payload: body.payload ?? {},
      original_environment: environment,
      environment,
      description: body.description === undefined ? "" : body.description,
      creator: creator(state.base),
      created_at: at,
      updated_at: at,
      statuses_url: `${repositoryUrl}/deployments/${id}/statuses`,
      repository_url: repositoryUrl,
      transient_environment: body.transient_environment ?? false,
      production_environment: body.production_environment ?? environment === "production",
    };
    state.deployments.push({ repository, deployment, statuses: [] });
    return { status: 201, json: deployment };
  },
  "repos/list-deployments": (state, params, seen) => {
    const filters = ["sha", "ref", "task", "environment"] as const;
    const found = state.deployments
      .filter((d) => sameRepository(d, params))
      .map((d) => d.deployment)
      .filter((d) => filters.every((f) => seen.query[f] === undefined || d[f] === seen.query[f]))
      .reverse();
    return paged(found, state.base, seen);
  },
  "repos/get-deployment": (state, params) => {
    const stored = findDeployment(state, params);
    return stored === undefined ? notFound() : { status: 200, json: stored.deployment };
  },
  "repos/create-deployment-status": (state, params, seen) => {
    const stored = findDeployment(state, params);
    if (stored === undefined) return notFound();
    const status = addStatus(state, stored, seen.body as CreateStatus);
    if (status.state === "success" && (seen.body as CreateStatus).auto_inactive !== false) {
      retirePrevious(state, stored, status.environment);
    }
    return { status: 201, json: status, headers: { location: status.url } };
  },
  "repos/list-deployment-statuses": (state, params, seen) => {
    const stored = findDeployment(state, params);
    if (stored === undefined) return notFound();
    return paged([...stored.statuses].reverse(), state.base, seen);
  },
};

interface CreateDeployment {
  ref: string;
  task?: string;
  payload?: Record<string, unknown> | string;
  environment?: string;
  description?: string | null;
  transient_environment?: boolean;
  production_environment?: boolean;
}

interface CreateStatus {
  state: string;
  target_url?: string;
  log_url?: string;
  description?: string;
  environment?: string;
  environment_url?: string;
  auto_inactive?: boolean;
}

function addStatus(state: State, stored: StoredDeployment, body: CreateStatus): DeploymentStatus {
  const id = state.nextId.status++;
  const { deployment } = stored;
  const at = timestamp(state.now());
  // Setting log_url sets target_url too; the environment carries over from the last status.
  const logUrl = body.log_url ?? body.target_url ?? "";
  const status: DeploymentStatus = {
    url: `${deployment.url}/statuses/${id}`,
    id,
    node_id: nodeId("DeploymentStatus", id),
    state: body.state,
    creator: creator(state.base),
    description: body.description ?? "",
    environment: body.environment ?? stored.statuses.at(-1)?.environment ?? deployment.environment,
    target_url: logUrl,
    log_url: logUrl,
    environment_url: body.environment_url ?? "",
    created_at: at,
    updated_at: at,
    deployment_url: deployment.url,
    repository_url: deployment.repository_url,
  };
  stored.statuses.push(status);
  deployment.updated_at = at;
  return status;
}

/**
 * auto_inactive (default true): a success marks earlier successful deployments to the same
 * environment inactive, unless they are transient or production ones (GitHub's documented rule).
 */
function retirePrevious(state: State, current: StoredDeployment, environment: string): void {
  for (const stored of state.deployments) {
    const { deployment } = stored;
    if (stored === current || deployment.id > current.deployment.id) continue;
    if (stored.repository.toLowerCase() !== current.repository.toLowerCase()) continue;
    if (deployment.environment !== environment || deployment.transient_environment) continue;
    if (deployment.production_environment || stored.statuses.at(-1)?.state !== "success") continue;
    addStatus(state, stored, { state: "inactive", environment });
  }
}

function findDeployment(state: State, params: Record<string, string>) {
  const id = Number(params.deployment_id);
  return state.deployments.find((d) => d.deployment.id === id && sameRepository(d, params));
}

/** GitHub's owner and repo names are not case sensitive. */
function sameRepository(stored: StoredDeployment, params: Record<string, string>): boolean {
  return stored.repository.toLowerCase() === `${params.owner}/${params.repo}`.toLowerCase();
}

/** One page of `items` (already newest first), with GitHub's Link header when there are others. */
function paged(items: unknown[], base: string, seen: SeenRequest): Answer {
  const perPage = Math.min(Number(seen.query.per_page ?? 30), 100);
  const page = Math.max(Number(seen.query.page ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const url = new URL(seen.path, base);
    for (const [name, value] of Object.entries(seen.query)) url.searchParams.set(name, value);
    url.searchParams.set("page", String(n));
    return `<${url.href}>; rel="${rel}"`;
  };
  const rels = [
    ...(page > 1 ? [link(Math.min(page - 1, last), "prev")] : []),
    ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
    ...(page > 1 ? [link(1, "first")] : []),
  ];
  const json = items.slice((page - 1) * perPage, page * perPage);
  return { status: 200, json, ...(rels.length > 0 ? { headers: { link: rels.join(", ") } } : {}) };
}

/** A 40-hex sha for a ref: the ref itself when it is one, else a hash of its name. */
function shaOf(ref: string): string {
  return /^[0-9a-f]{40}$/i.test(ref)
    ? ref.toLowerCase()
    : createHash("sha1").update(ref).digest("hex");
}

/** GitHub's older global node id: base64 of "<length of type>:<Type><id>". */
function nodeId(type: string, id: number): string {
  return Buffer.from(`${String(type.length).padStart(3, "0")}:${type}${id}`).toString("base64");
}

/** GitHub's timestamps are whole seconds. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The GITHUB_TOKEN's user, as a simple-user. */
function creator(base: string): Record<string, unknown> {
  const user = `${base}/users/github-actions%5Bbot%5D`;
  return {
    login: "github-actions[bot]",
    id: 41898282,
    node_id: "MDM6Qm90NDE4OTgyODI=",
    avatar_url: "https://avatars.githubusercontent.com/in/15368?v=4",
    gravatar_id: "",
    url: user,
    html_url: "https://github.com/apps/github-actions",
    followers_url: `${user}/followers`,
    following_url: `${user}/following{/other_user}`,
    gists_url: `${user}/gists{/gist_id}`,
    starred_url: `${user}/starred{/owner}{/repo}`,
    subscriptions_url: `${user}/subscriptions`,
    organizations_url: `${user}/orgs`,
    repos_url: `${user}/repos`,
    events_url: `${user}/events{/privacy}`,
    received_events_url: `${user}/received_events`,
    type: "Bot",
    user_view_type: "public",
    site_admin: false,
  };
}

function error(status: number, message: string, documentationUrl: string): Answer {
  return { status, json: { message, documentation_url: documentationUrl, status: String(status) } };
}

function notFound(): Answer {
  return error(404, "Not Found", DOCS);
}

function validationFailed(resource: string, field: string, documentationUrl: string): Answer {
  const message = `${field} is too long (maximum is ${STATUS_DESCRIPTION_MAX} characters)`;
  const errors = [{ resource, code: "custom", field, message }];
  return {
    status: 422,
    json: {
      message: "Validation Failed",
      errors,
      documentation_url: documentationUrl,
      status: "422",
    },
  };
}

/** What a scripted failure or a mode answers. */
function failure(status: number): Answer {
  if (status >= 500) {
    const title = `${status} ${STATUS_CODES[status] ?? "Server Error"}`;
    return { status, html: `<html><body><h1>${title}</h1>No server is available.</body></html>\n` };
  }
  if (status === 403) {
    const docs = "https://docs.github.com/rest/deployments/deployments#create-a-deployment";
    return error(403, "Resource not accessible by integration", docs);
  }
  return error(status, STATUS_CODES[status] ?? "Error", DOCS);
}

/** GitHub's primary rate limit spent: a 403 like the permission's, told apart by its words and headers. */
function rateLimited(): Answer {
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  return {
    ...error(
      403,
      "API rate limit exceeded for installation ID 1234.",
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    ),
    headers: {
      "x-ratelimit-limit": "1000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": reset,
    },
  };
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
