// What the stand-in does for each deployments operation, once a request passed every check.
import {
  creator,
  error,
  nodeId,
  notFound,
  paged,
  shaOf,
  timestamp,
  validationFailed,
} from "./answers.js";
import type {
  Answer,
  Checked,
  Deployment,
  DeploymentStatus,
  SeenRequest,
  State,
  StoredDeployment,
} from "./types.js";
/** The answer when every check passed: GitHub's behaviour, by operation. */
export function answer(state: State, seen: SeenRequest, checked: Checked): Answer {
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
