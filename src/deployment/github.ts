import type { Clock } from "../run/context.js";
import { messageOf } from "../run/errors.js";
import type { DeploymentSettings } from "./settings.js";

/** A GitHub call gets this long to answer; an outage costs the rollout at most a few of these. */
export const GITHUB_CALL_MS = 10_000;

/** A deployment as the record reads it back. */
export interface FoundDeployment {
  id: number;
  payload: unknown;
}

/** A deployment status as the record reads it back. */
export interface FoundStatus {
  state: string;
  description: string;
  /** When GitHub recorded it (ms). */
  createdAt: number;
}

/** What a new deployment or status says; the fields GitHub's description names. */
export interface NewDeployment {
  ref: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
}

export type DeploymentState = "in_progress" | "success" | "failure" | "error";

/** The four Deployments calls the record makes, each bounded in time. */
export interface DeploymentsApi {
  /** The environment's deployments, newest first, one page of `perPage`. */
  list: (environment: string, page: number, perPage: number) => Promise<FoundDeployment[]>;
  create: (deployment: NewDeployment) => Promise<number>;
  statuses: (id: number, page: number, perPage: number) => Promise<FoundStatus[]>;
  post: (id: number, state: DeploymentState, description: string) => Promise<void>;
}

/**
 * A call GitHub refused or did not answer: `status` is GitHub's HTTP status when it answered,
 * `late` says the call was cut at GITHUB_CALL_MS.
 */
export class GitHubError extends Error {
  override name = "GitHubError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly late = false,
  ) {
    super(message);
  }
}

/**
 * Octokit, loaded only now (a run without a token never pays for it), with each call bounded
 * by GITHUB_CALL_MS on the run's clock. It calls GITHUB_API_URL, so GitHub Enterprise Server
 * works as github.com does.
 */
export async function openDeploymentsApi(
  settings: DeploymentSettings,
  clock: Clock,
): Promise<DeploymentsApi> {
  const { getOctokit } = await import("@actions/github");
  // The base is given, not left to the package: it reads GITHUB_API_URL once, when first imported.
  const octokit = getOctokit(settings.token, { baseUrl: settings.apiUrl });
  const repo = { owner: settings.owner, repo: settings.repo };
  const bounded = <T>(call: (signal: AbortSignal) => Promise<T>) => withBound(clock, call);
  return {
    list: (environment, page, perPage) =>
      bounded(async (signal) => {
        const answer = await octokit.rest.repos.listDeployments({
          ...repo,
          environment,
          per_page: perPage,
          page,
          request: { signal },
        });
        return answer.data.map((d) => ({ id: d.id, payload: d.payload }));
      }),
    create: (deployment) =>
      bounded(async (signal) => {
        const answer = await octokit.rest.repos.createDeployment({
          ...repo,
          ...deployment,
          auto_merge: false,
          required_contexts: [],
          request: { signal },
        });
        // 202 is GitHub merging the default branch first; auto_merge is off, so it is not expected.
        if (!("id" in answer.data)) {
          throw new GitHubError(`GitHub did not create the deployment (${answer.status})`, 202);
        }
        return answer.data.id;
      }),
    statuses: (id, page, perPage) =>
      bounded(async (signal) => {
        const answer = await octokit.rest.repos.listDeploymentStatuses({
          ...repo,
          deployment_id: id,
          per_page: perPage,
          page,
          request: { signal },
        });
        return answer.data.map((s) => ({
          state: s.state,
          description: s.description ?? "",
          createdAt: Date.parse(s.created_at),
        }));
      }),
    post: (id, state, description) =>
      bounded(async (signal) => {
        await octokit.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: id,
          state,
          description,
          ...(settings.logUrl === undefined ? {} : { log_url: settings.logUrl }),
          request: { signal },
        });
      }),
  };
}

/** Runs `call`, aborting it when GITHUB_CALL_MS passes on the run's clock. */
async function withBound<T>(clock: Clock, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const done = new AbortController();
  let late = false;
  void clock.sleep(GITHUB_CALL_MS, done.signal).then(() => {
    if (done.signal.aborted) return;
    late = true;
    abort.abort();
  });
  try {
    return await call(abort.signal);
  } catch (error) {
    if (late) throw new GitHubError(`no answer within ${GITHUB_CALL_MS / 1000} s`, undefined, true);
    const status = (error as { status?: unknown }).status;
    throw new GitHubError(messageOf(error), typeof status === "number" ? status : undefined);
  } finally {
    done.abort();
  }
}
