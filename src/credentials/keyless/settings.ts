import { InputError } from "../../run/errors.js";
import * as values from "../../inputs/values.js";
import { defaultRoleSessionName, SESSION_NAME_RULE } from "./session-name.js";

/** How to trade the workflow's OIDC token for temporary keys, validated. */
export interface KeylessSettings {
  /** qcs::cam::uin/<uin>:roleName/<name> (or :role/<role id>) */
  roleArn: string;
  /** The CAM OIDC identity provider's name: STS's ProviderId. */
  providerId: string;
  /** The token's aud; must be one of the provider's client ids. */
  audience: string;
  roleSessionName: string;
  durationSeconds: number;
  stsEndpoint: URL;
  stsRegion: string;
}

/** The keyless inputs as read, by their workflow names. */
export interface KeylessRaw {
  "role-arn": string;
  "oidc-provider-id": string;
  audience: string;
  "role-session-name": string;
  "role-duration-seconds": string;
  "sts-endpoint": string;
  "sts-region": string;
}

/** What an empty input means; action.yml should declare the same (role-session-name's depends on the run). */
export const KEYLESS_DEFAULTS = {
  audience: "sts.tencentcloudapi.com",
  "role-duration-seconds": "3600",
  "sts-endpoint": "https://sts.tencentcloudapi.com",
  "sts-region": "ap-guangzhou",
} as const satisfies Partial<KeylessRaw>;

/** STS's bounds on DurationSeconds. */
export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;

const ROLE_ARN = /^qcs::cam::uin\/(\d{1,20}):(?:roleName\/[\w+=,.@-]{1,128}|role\/\d{1,32})$/;
const PROVIDER_ID = /^[\w+=,.@-]{1,128}$/;
const AUDIENCE = /^[\x21-\x7e]{1,256}$/;

/**
 * The keyless settings, or undefined when role-arn is empty (keys come from secrets then).
 * `staticInputs` names the key inputs (secret-id, secret-key, session-token) that were given:
 * with role-arn they are refused, naming both.
 */
export function parseKeyless(
  raw: KeylessRaw,
  env: NodeJS.ProcessEnv,
  staticInputs: readonly string[] = [],
): KeylessSettings | undefined {
  const value = (name: keyof KeylessRaw): string =>
    raw[name].trim() || (KEYLESS_DEFAULTS as Partial<KeylessRaw>)[name] || "";
  const arn = value("role-arn");
  if (arn === "") {
    const provider = value("oidc-provider-id");
    if (provider !== "") {
      throw new InputError(
        "oidc-provider-id",
        provider,
        "Expected role-arn with it: oidc-provider-id is used only to assume role-arn with the workflow's OIDC token.",
      );
    }
    return undefined;
  }
  if (staticInputs.length > 0) {
    const both = staticInputs.join(", ");
    throw new InputError(
      "role-arn",
      arn,
      `Expected either role-arn (keyless, with the workflow's OIDC token) or ${both} (keys from secrets), not both: remove ${both} or role-arn from the step.`,
    );
  }
  return {
    roleArn: roleArn(arn),
    providerId: providerId(value("oidc-provider-id")),
    audience: audience(value("audience")),
    roleSessionName: roleSessionName(value("role-session-name") || defaultRoleSessionName(env)),
    durationSeconds: durationSeconds(value("role-duration-seconds")),
    stsEndpoint: stsEndpoint(value("sts-endpoint")),
    stsRegion: stsRegion(value("sts-region")),
  };
}

/** A CAM role's RoleArn: qcs::cam::uin/<account uin>:roleName/<name>, or :role/<role id>. */
export function roleArn(value: string): string {
  if (!ROLE_ARN.test(value)) {
    throw new InputError(
      "role-arn",
      value,
      "Expected a CAM role's RoleArn such as qcs::cam::uin/100012345678:roleName/github-firmware-rollout (CAM → Roles → the role → RoleArn).",
    );
  }
  return value;
}

/** The account uin a RoleArn names ("" when it names none). */
export function accountOf(arn: string): string {
  return ROLE_ARN.exec(arn)?.[1] ?? "";
}

/** The CAM OIDC identity provider's name, which STS calls ProviderId. */
export function providerId(value: string): string {
  if (value === "") {
    throw new InputError(
      "oidc-provider-id",
      value,
      "Expected the name of the CAM OIDC identity provider that trusts https://token.actions.githubusercontent.com (CAM → Identity providers → Role SSO); it is required with role-arn.",
    );
  }
  if (!PROVIDER_ID.test(value)) {
    throw new InputError(
      "oidc-provider-id",
      value,
      "Expected a CAM identity provider name: 1-128 letters, digits or _+=,.@-.",
    );
  }
  return value;
}

/** The aud the token is requested for: one of the provider's client ids. */
export function audience(value: string): string {
  if (!AUDIENCE.test(value)) {
    throw new InputError(
      "audience",
      value,
      `Expected a client id of the CAM OIDC identity provider, such as ${KEYLESS_DEFAULTS.audience}, with no spaces.`,
    );
  }
  return value;
}

/** A RoleSessionName by STS's rules. */
export function roleSessionName(value: string): string {
  if (!SESSION_NAME_RULE.test(value)) {
    throw new InputError(
      "role-session-name",
      value,
      "Expected 2-128 letters, digits or _+=,.@- (STS's rule for RoleSessionName).",
    );
  }
  return value;
}

/** Whole seconds from MIN_DURATION_SECONDS to MAX_DURATION_SECONDS. */
export function durationSeconds(value: string): number {
  const seconds = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= MIN_DURATION_SECONDS && seconds <= MAX_DURATION_SECONDS)) {
    throw new InputError(
      "role-duration-seconds",
      value,
      `Expected a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS} (and at most the role's maximum session duration). Credentials are renewed during a longer wait.`,
    );
  }
  return seconds;
}

/** A host name or an http(s)://host[:port] URL with nothing after the host. */
export function stsEndpoint(value: string): URL {
  const expected = `Expected a host name such as ${new URL(KEYLESS_DEFAULTS["sts-endpoint"]).host} (international site: sts.intl.tencentcloudapi.com) or an http(s)://host[:port] URL.`;
  return values.apiEndpoint("sts-endpoint", value, expected);
}

/** The region STS requires in X-TC-Region. */
export function stsRegion(value: string): string {
  const region = values.region("sts-region", value);
  if (region === undefined) {
    throw new InputError("sts-region", value, "Expected a region such as ap-guangzhou.");
  }
  return region;
}
