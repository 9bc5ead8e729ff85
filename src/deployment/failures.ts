import { forLog, redact } from "../report/outside-text.js";
import { messageOf } from "../run/errors.js";
import { GitHubError } from "./github.js";

/** Why a GitHub call failed, as far as what to do next goes. */
export type Failure =
  /** The token may not do this (401, 403, 404): nothing later in the run will do better. */
  | { kind: "refused"; status: 401 | 403 | 404 }
  /** The token's rate limit is spent (429, or a 403 that says so). */
  | { kind: "rate-limited" }
  /** Any other 4xx: GitHub will answer the same again. */
  | { kind: "rejected"; status: number }
  /** No answer, a 5xx, or a transport error; `late` when cut at the call's bound. */
  | { kind: "unavailable"; late: boolean };

/** Pure: the kind of a failed call. */
export function classify(error: unknown): Failure {
  const status = error instanceof GitHubError ? error.status : undefined;
  if (status === 429 || (status === 403 && /rate limit/i.test(messageOf(error)))) {
    return { kind: "rate-limited" };
  }
  if (status === 401 || status === 403 || status === 404) return { kind: "refused", status };
  if (status !== undefined && status >= 400 && status < 500) return { kind: "rejected", status };
  return { kind: "unavailable", late: error instanceof GitHubError && error.late };
}

/** A failed call's message as the log may show it: one line, our secrets redacted. */
export function detailOf(error: unknown): string {
  return forLog(redact(messageOf(error)), 200);
}

const GOES_ON = "The rollout goes on without a deployment record.";
const TURN_OFF = "or set github-token to an empty string to turn deployments off";

/** The one warning of a failure that turns the record off; `what` is the call ("create a deployment"). */
export function warning(failure: Failure, what: string, error: unknown, attempts: number): string {
  const detail = detailOf(error);
  switch (failure.kind) {
    case "refused": {
      const fix =
        failure.status === 401
          ? `github-token was not accepted: give a valid token (the default is the job's github.token), ${TURN_OFF}.`
          : `Give the job the permission \`deployments: write\` (permissions: deployments: write), ${TURN_OFF}.`;
      return `GitHub answered ${failure.status} when the action tried to ${what} (${detail}). ${fix} ${GOES_ON}`;
    }
    case "rate-limited":
      return `GitHub's rate limit for github-token is spent (${detail}): the deployment record is off for the rest of this run. ${GOES_ON}`;
    case "rejected":
      return `GitHub refused to ${what}: ${failure.status} ${detail}. ${GOES_ON}`;
    case "unavailable":
      return `GitHub did not answer ${attempts} times in a row (last: ${what}: ${detail}): the deployment record is off for the rest of this run. ${GOES_ON}`;
  }
}
