import { ActionError, sentence, type ApiError } from "../../run/errors.js";
import { describeClaims, type TokenClaims } from "./claims.js";
import { accountOf, type KeylessSettings } from "./settings.js";

/** GitHub's OIDC issuer: the identity provider URL of the CAM provider. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
const GITHUB_JWKS = `${GITHUB_ISSUER}/.well-known/jwks`;

/** The workflow's OIDC token could not be had: the workflow's permissions, or the runner. */
export class IdTokenError extends ActionError {
  override name = "IdTokenError";
}

/** The YAML that grants a job its OIDC token; shown whenever the token is missing. */
export const PERMISSIONS_YAML = ["permissions:", "  id-token: write", "  contents: read"].join(
  "\n",
);

/** The runner gave the step no way to request a token: the job lacks `id-token: write`. */
export function missingPermission(missing: readonly string[]): IdTokenError {
  return new IdTokenError(
    [
      `role-arn needs the workflow's OIDC token, but the runner gave this step none (${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set).`,
      "Grant it to the job (or the whole workflow); a job that lists permissions gets only those it lists:",
      PERMISSIONS_YAML,
      "Pull requests from forks never get the token: roll out on push, tags or workflow_dispatch.",
    ].join("\n"),
  );
}

/** Which side a definite STS refusal asks to fix. */
export type FixSide = "provider" | "role" | "trust-policy" | "account" | "parameters" | "unknown";

/** STS's error codes (tencentcloud-sdk-go/-python sts/v20180813 errors) by the side to fix. */
const SIDES: Readonly<Record<string, FixSide>> = {
  "InvalidParameter.WebIdentityTokenError": "provider",
  "ResourceNotFound.RoleNotFound": "role",
  "InternalError.GetRoleError": "role",
  "InternalError.IllegalRole": "role",
  UnauthorizedOperation: "trust-policy",
  "InvalidParameter.AccountNotAvaliable": "account",
  "InvalidParameter.ParamError": "parameters",
  "InvalidParameter.OverTimeError": "parameters",
  MissingParameter: "parameters",
  InvalidParameter: "parameters",
  InvalidParameterValue: "parameters",
};

/** The side an STS error code asks to fix; "unknown" for codes that are not a definite refusal. */
export function fixSide(code: string): FixSide {
  return Object.hasOwn(SIDES, code) ? SIDES[code]! : "unknown";
}

/** STS refused the trade for good: the message says what to fix, and the token's sub and aud. */
export class StsError extends ActionError {
  override name = "StsError";
  constructor(
    readonly code: string,
    readonly requestId: string,
    readonly side: FixSide,
    message: string,
  ) {
    super(message);
  }
}

/** Turns STS's error answer into the StsError that says which side to fix. */
export function explainStsError(
  error: ApiError,
  settings: KeylessSettings,
  claims: TokenClaims,
): StsError {
  const side = fixSide(error.code);
  const message = [
    sentence(error.message),
    advice(side, settings),
    `The workflow's token has ${describeClaims(claims)}.`,
  ].join(" ");
  return new StsError(error.code, error.requestId, side, message);
}

function advice(side: FixSide, s: KeylessSettings): string {
  const uin = accountOf(s.roleArn);
  switch (side) {
    case "provider":
      return `The CAM identity provider '${s.providerId}' did not accept the token. Fix the provider (CAM → Identity providers → Role SSO → ${s.providerId}): its identity provider URL must be ${GITHUB_ISSUER}, its client ID must include '${s.audience}' (the audience input, which the token's aud carries), and its signing public key must be GitHub's current one from ${GITHUB_JWKS} (update it when GitHub rotates its keys).`;
    case "role":
      return `There is no role ${s.roleArn}. Fix role-arn: copy the RoleArn from CAM → Roles → the role (account uin/${uin}).`;
    case "trust-policy":
      return `The role's trust policy does not let this token assume it. Fix the trust policy of ${s.roleArn}: it must allow "name/sts:AssumeRoleWithWebIdentity" for the principal {"federated": ["qcs::cam::uin/${uin}:oidc-provider/${s.providerId}"]}, with conditions (such as oidc:sub and oidc:aud) that this token's claims meet.`;
    case "account":
      return `The account uin/${uin} in role-arn does not exist or cannot be used. Fix role-arn.`;
    case "parameters":
      return `Check oidc-provider-id '${s.providerId}' (the CAM identity provider's name), role-session-name '${s.roleSessionName}' and role-duration-seconds ${s.durationSeconds} (at most the role's maximum session duration).`;
    case "unknown":
      return `Check role-arn, oidc-provider-id and sts-endpoint ${s.stsEndpoint.origin}.`;
  }
}
