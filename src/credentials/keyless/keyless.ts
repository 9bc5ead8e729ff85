// Keyless credentials: the workflow's OIDC token → STS AssumeRoleWithWebIdentity → temporary
// keys, renewed before they expire. The one entry the rollout calls is keylessCredentials().
import type { Dispatcher } from "undici";
import { RenewingCredentials, type CredentialSource } from "../keys.js";
import { forLog, redact } from "../../report/outside-text.js";
import type { Logger } from "../../run/logger.js";
import type { RetryPolicy } from "../../http/retry.js";
import { describeClaims, tokenClaims, type TokenClaims } from "./claims.js";
import { workflowIdToken } from "./id-token.js";
import type { KeylessSettings } from "./settings.js";
import { assumeRole, type AssumedRole } from "./sts.js";

export { describeClaims, tokenClaims, type TokenClaims } from "./claims.js";
export {
  fixSide,
  GITHUB_ISSUER,
  IdTokenError,
  PERMISSIONS_YAML,
  StsError,
  type FixSide,
} from "./errors.js";
export { ID_TOKEN_ENV, workflowIdToken, type IdTokenDeps } from "./id-token.js";
export { defaultRoleSessionName, SESSION_NAME_RULE } from "./session-name.js";
export {
  accountOf,
  audience,
  durationSeconds,
  KEYLESS_DEFAULTS,
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  parseKeyless,
  providerId,
  roleArn,
  roleSessionName,
  stsEndpoint,
  stsRegion,
  type KeylessRaw,
  type KeylessSettings,
} from "./settings.js";
export { assumeRole, STS_ACTION, STS_VERSION, type AssumedRole } from "./sts.js";

/** What keylessCredentials needs from the run. */
export interface KeylessDeps {
  /** For sts-endpoint (Dispatchers.for(settings.stsEndpoint) in a run). */
  dispatcher: Dispatcher;
  /** For the runner's token service (Dispatchers.for in a run); default: `dispatcher`. */
  tokenDispatcherFor?: (url: URL) => Dispatcher;
  /** The run's retry rules; renewals late in a long wait get a fresh window of their own. */
  policy: RetryPolicy;
  logger: Logger;
  /** request-timeout, ms: bounds each STS and token request. */
  timeoutMs: number;
  /** Local clock, ms; decides when keys are renewed. Default Date.now. */
  now?: () => number;
  /** Where the runner's ACTIONS_ID_TOKEN_REQUEST_* variables are looked for. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** How long a renewal may keep retrying when the run's own retry deadline has passed. */
export const RENEWAL_RETRY_WINDOW_MS = 2 * 60_000;

/**
 * Trades the workflow's OIDC token for temporary keys now (so any problem fails the step before
 * the first IoT Video call) and returns the source that keeps them fresh: each renewal requests
 * a new token (they live minutes) and trades it again. Every key and token is masked on arrival.
 */
export async function keylessCredentials(
  settings: KeylessSettings,
  deps: KeylessDeps,
): Promise<CredentialSource> {
  const now = deps.now ?? Date.now;
  let renewal = false;
  const obtain = async (): Promise<AssumedRole> => {
    const policy = renewal
      ? {
          ...deps.policy,
          deadline: Math.max(deps.policy.deadline, deps.policy.now() + RENEWAL_RETRY_WINDOW_MS),
        }
      : deps.policy;
    const token = await workflowIdToken(settings.audience, {
      dispatcherFor: deps.tokenDispatcherFor ?? (() => deps.dispatcher),
      timeoutMs: deps.timeoutMs,
      policy,
      logger: deps.logger,
      ...(deps.env === undefined ? {} : { env: deps.env }),
    });
    const assumed = await assumeRole(settings, token, { ...deps, now }, policy);
    announce(settings, assumed, tokenClaims(token), renewal, deps.logger);
    renewal = true;
    return assumed;
  };
  const first = await obtain();
  return new RenewingCredentials(first, obtain, { now, logger: deps.logger });
}

function announce(
  settings: KeylessSettings,
  assumed: AssumedRole,
  claims: TokenClaims,
  renewal: boolean,
  logger: Logger,
): void {
  const until = assumed.expiration === "" ? "" : `, valid until ${assumed.expiration}`;
  const id = assumed.requestId === "" ? "" : ` (RequestId: ${forLog(assumed.requestId, 80)})`;
  logger.info(
    redact(
      `${renewal ? "Renewed the temporary credentials of" : "Assumed"} role ${settings.roleArn} as session ${settings.roleSessionName} with the workflow's OIDC token (${describeClaims(claims)})${until}${id}.`,
    ),
  );
}
