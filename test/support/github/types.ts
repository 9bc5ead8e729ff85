// The shapes the GitHub stand-in records and answers with (./standin.ts).
import type { Operation } from "./openapi.js";

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

export interface Answer {
  status: number;
  json?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

export interface State {
  base: string;
  now: () => number;
  deployments: StoredDeployment[];
  nextId: { deployment: number; status: number };
}

export interface Checked {
  operation: Operation | undefined;
  notJson: boolean;
  schema: string[];
  rules: string[];
}
