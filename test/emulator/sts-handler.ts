// POST / with X-TC-Action AssumeRoleWithWebIdentity: STS's checks (unsigned, version, region,
// content type, parameters), then the token and the role's trust, then keys.
import type { TcHeaders } from "./api-handler.js";
import { ApiError } from "./api-error.js";
import type { Exchange, Outcome } from "./exchange.js";
import { checkParams, type ParamSchema } from "./params.js";
import type { ServerContext } from "./server-context.js";
import {
  MISSING_REGION,
  NOT_UNSIGNED,
  STS_ACTION,
  STS_VERSION,
  UNSIGNED_AUTHORIZATION,
} from "./sts-assumptions.js";
import type { AssumeParams } from "./sts-state.js";
import { headerText } from "./tc3.js";

/** The STS actions the emulator serves (scriptable with faults like IoT Video's). */
export const STS_ACTIONS: ReadonlySet<string> = new Set([STS_ACTION]);

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

const SCHEMA: ParamSchema = {
  ProviderId: { type: "string", required: true },
  WebIdentityToken: { type: "string", required: true },
  RoleArn: { type: "string", required: true },
  RoleSessionName: { type: "string", required: true },
  DurationSeconds: { type: "integer" },
};

/** Checks and carries out one STS call whose common headers are already read. */
export function stsOutcome(
  ex: Exchange,
  headers: TcHeaders,
  params: unknown,
  ctx: ServerContext,
): Outcome {
  const authorization = headerText(ex.req.headers, "authorization")?.trim();
  if (authorization !== UNSIGNED_AUTHORIZATION) {
    const why = `${STS_ACTION} is called unsigned: Authorization must be ${UNSIGNED_AUTHORIZATION}.`;
    throw new ApiError(NOT_UNSIGNED, why);
  }
  if (headers.version !== STS_VERSION) {
    throw new ApiError("NoSuchVersion", `Version ${headers.version} of sts does not exist.`);
  }
  const region = headerText(ex.req.headers, "x-tc-region")?.trim() ?? "";
  if (region === "") {
    throw new ApiError(MISSING_REGION, "The request is missing a required parameter `Region`.");
  }
  if (!JSON_TYPE.test(headers.contentType)) {
    throw new ApiError(
      "InvalidParameter",
      `Content-Type ${headers.contentType} is not application/json.`,
    );
  }
  if (params === undefined) throw new ApiError("InvalidParameter", "The body is not JSON.");
  const checked = checkParams(params, SCHEMA) as unknown as AssumeParams;
  return ctx.sts.assume(checked, ctx.clock.nowSeconds());
}
