// STS (2018-08-13) AssumeRoleWithWebIdentity as the emulator serves it. Each knob is marked
// DOCUMENTED (API.md, Tencent's SDK models and error lists) or ASSUMPTION (nothing says).

/** DOCUMENTED: the action, its API version, and the issuer of GitHub's workflow tokens. */
export const STS_ACTION = "AssumeRoleWithWebIdentity";
export const STS_VERSION = "2018-08-13";
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** DOCUMENTED: DurationSeconds defaults to 7200 and may be at most 43200. */
export const DEFAULT_DURATION_SECONDS = 7200;
export const MAX_DURATION_SECONDS = 43_200;

/** DOCUMENTED: STS's rule for RoleSessionName. */
export const SESSION_NAME = /^[\w+=,.@-]{2,128}$/;

/** DOCUMENTED: the call is unsigned; the SDKs send exactly this Authorization. */
export const UNSIGNED_AUTHORIZATION = "SKIP";

/**
 * DOCUMENTED in AssumeRoleWithWebIdentity's error list (tencentcloud-sdk-go sts/v20180813
 * client.go): a token that fails verification (signature, iss, aud, expiry).
 */
export const TOKEN_ERROR = "InvalidParameter.WebIdentityTokenError";
/** DOCUMENTED in the same list: a parameter STS refuses (ASSUMPTION: an unknown ProviderId, a bad session name or duration). */
export const PARAM_ERROR = "InvalidParameter.ParamError";
/** DOCUMENTED in the same list (ASSUMPTION: what a trust policy that does not match answers). */
export const NOT_TRUSTED = "UnauthorizedOperation";
/**
 * DOCUMENTED in STS's product error list as "the role of the account does not exist"; ASSUMPTION
 * that an unknown RoleArn answers it (this action's own list names InternalError.GetRoleError).
 */
export const ROLE_NOT_FOUND = "ResourceNotFound.RoleNotFound";
/** ASSUMPTION: the common code for a missing X-TC-Region on a regional API. */
export const MISSING_REGION = "MissingParameter";
/** ASSUMPTION: what a signed (not SKIP) request answers; real STS may verify it instead. */
export const NOT_UNSIGNED = "AuthFailure.SignatureFailure";
/** ASSUMPTION: what IoT Video answers for temporary keys past their ExpiredTime. */
export const EXPIRED_TOKEN = "AuthFailure.TokenFailure";

/** ASSUMPTION: the shape of issued keys (Tencent's examples: AKID… ids, 32-character keys). */
export const TMP_SECRET_ID_PREFIX = "AKIDtmp";
