import { InputError } from "../run/errors.js";
import { runUrl, serverUrl } from "../run/run-url.js";

/** Where and how the rollout is recorded as a GitHub Deployment. */
export interface DeploymentSettings {
  /** github-token; masked when read. */
  token: string;
  environment: string;
  owner: string;
  repo: string;
  /** The run's tag, or its commit: what the deployment deploys. */
  ref: string;
  /** GitHub's web address (GITHUB_SERVER_URL), for links. */
  serverUrl: string;
  /** GitHub's REST API (GITHUB_API_URL; GitHub Enterprise Server has its own). */
  apiUrl: string;
  /** The run (and attempt) that posts the statuses. */
  logUrl?: string;
}

/** GitHub's limit on an environment's name. */
const MAX_ENVIRONMENT = 255;

/**
 * Pure: the deployment settings from `github-token`, `environment` and the runner's variables;
 * undefined when there is nothing to record (no token) or nowhere to record it (no repository).
 */
export function parseDeployment(
  token: string,
  environment: string,
  productId: string,
  env: NodeJS.ProcessEnv,
): DeploymentSettings | undefined {
  const name = environment === "" ? `firmware-${productId}` : environment;
  if (name.length > MAX_ENVIRONMENT) {
    throw new InputError(
      "environment",
      environment,
      `Expected a GitHub environment name of at most ${MAX_ENVIRONMENT} characters.`,
    );
  }
  const [owner, repo, ...rest] = (env["GITHUB_REPOSITORY"] ?? "").split("/");
  const ref = env["GITHUB_REF_TYPE"] === "tag" ? env["GITHUB_REF_NAME"] : env["GITHUB_SHA"];
  // An expression no runner evaluated (`${{ github.token }}` from action.yml, as local tools
  // hand it over) is no token.
  const unevaluated = token.startsWith("${{");
  if (token === "" || unevaluated || !owner || !repo || rest.length > 0 || !ref) return undefined;
  const server = serverUrl(env);
  const apiUrl = (env["GITHUB_API_URL"] || "https://api.github.com").replace(/\/+$/, "");
  const attempt = env["GITHUB_RUN_ATTEMPT"];
  const run = runUrl(env);
  return {
    token,
    environment: name,
    owner,
    repo,
    ref,
    serverUrl: server,
    apiUrl,
    ...(run === undefined ? {} : { logUrl: attempt ? `${run}/attempts/${attempt}` : run }),
  };
}

/** The environment's deployment history on GitHub. */
export function environmentUrl(settings: DeploymentSettings): string {
  const { serverUrl, owner, repo, environment } = settings;
  return `${serverUrl}/${owner}/${repo}/deployments/${encodeURIComponent(environment)}`;
}
