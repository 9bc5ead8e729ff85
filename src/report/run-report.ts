import type { FollowResult } from "../follow/follow-task.js";
import type { Inputs } from "../inputs/read-inputs.js";
import type { Outcome } from "../follow/judge.js";

/** The step's result, as the `status` output says it. */
export type RolloutStatus = "created" | "succeeded" | "failed" | "timed-out" | "dry-run";

/** Everything a run learned, filled in as it goes; the job summary is written from it, whatever happened. */
export interface RunReport {
  inputs?: Inputs;
  /** The target in words: "every device now on 1.0.0", "3 devices", "120 devices listed in …". */
  target?: string;
  list?: { path: string; deviceCount: number; size: number; md5?: string };
  task?: {
    taskId: number;
    requestId: string;
    /** Created by this run, found after a lost answer, or a re-run's still-running task. */
    origin: "created" | "found" | "followed";
  };
  /** What a dry run would have sent. */
  request?: Record<string, unknown>;
  follow?: FollowResult;
  status?: RolloutStatus;
  /** The message of the failure that ended the run. */
  error?: string;
  /** Link to the workflow run. */
  runUrl?: string;
  /** The GitHub Deployment that records the rollout, when github-token allows one. */
  deployment?: DeploymentReport;
  /** A progressive rollout's waves, in order. */
  waves?: WaveReport[];
}

/** One wave as the summary shows it. */
export interface WaveReport {
  number: number;
  devices: number;
  canary: boolean;
  firstNames: string[];
  taskId?: number;
  /** Created in this run, or found from an earlier one. */
  origin?: "created" | "found" | "earlier run";
  counts?: Outcome;
  durationMs?: number;
  verdict: "passed" | "failed" | "timed-out" | "cancelled" | "not started" | "next run";
  /** The gate in numbers, e.g. "412 of 500 upgraded, 475 needed; 3 failed, 5 allowed". */
  gate?: string;
  /** How the wave's wait ended, for the failed and pending devices it names. */
  follow?: FollowResult;
  /** With on-failure: cancel, what cancelling its not-started devices did. */
  cancel?: { cancelled: number; skipped: number; failed: number; notTried: number };
}

/** The rollout's GitHub Deployment as the summary links it. */
export interface DeploymentReport {
  id: number;
  environment: string;
  /** The environment's deployment history on GitHub. */
  url: string;
}
