// POST / : one Tencent API call, checked in the order a gateway would (size, headers, signature,
// version, action, content type, parameters), then carried out, then possibly faulted.
import { ACTIONS, type ActionDef } from "./actions/index.js";
import { ApiError } from "./api-error.js";
import {
  API_VERSION,
  BAD_CONTENT_TYPE_CODE,
  MAX_API_BODY_BYTES,
  MISSING_HEADER_CODE,
  SERVICE,
  TIMESTAMP_TOLERANCE_SECONDS,
} from "./assumptions.js";
import { readLimited, type LimitedBody } from "./body.js";
import { errorPage, type Exchange, type Outcome } from "./exchange.js";
import { processes } from "./faults.js";
import { checkParams } from "./params.js";
import type { ServerContext } from "./server-context.js";
import { STS_ACTIONS, stsOutcome } from "./sts-handler.js";
import { headerText, verifyTc3 } from "./tc3.js";
import type { Fault } from "./types.js";

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;
// What a captive portal or misrouted proxy answers instead of the API.
const NON_JSON_PAGE =
  "<html><head><title>Sign in</title></head><body>Network login</body></html>\n";
const REQUIRED_HEADERS = ["X-TC-Action", "X-TC-Version", "X-TC-Timestamp"];

/** The common headers every call carries, read. */
export interface TcHeaders {
  action: string;
  version: string;
  timestamp: number;
  contentType: string;
}

function tcHeaders(ex: Exchange): TcHeaders {
  const header = (name: string) => headerText(ex.req.headers, name.toLowerCase());
  const absent = REQUIRED_HEADERS.find((name) => header(name) === undefined);
  if (absent) {
    throw new ApiError(MISSING_HEADER_CODE, `The request is missing the header ${absent}.`);
  }
  const timestamp = header("X-TC-Timestamp") ?? "";
  if (!/^\d+$/.test(timestamp)) {
    const why = `X-TC-Timestamp must be unix seconds, not ${timestamp}.`;
    throw new ApiError("InvalidParameter", why);
  }
  return {
    action: header("X-TC-Action") ?? "",
    version: header("X-TC-Version") ?? "",
    timestamp: Number(timestamp),
    contentType: header("Content-Type") ?? "",
  };
}

function checkSignature(ex: Exchange, body: Buffer, timestamp: number, ctx: ServerContext) {
  const url = new URL(ex.req.url ?? "/", "http://emulator.invalid");
  const received = {
    method: ex.req.method ?? "",
    path: url.pathname,
    query: url.search.slice(1),
    headers: ex.req.headers,
    body,
  };
  verifyTc3(received, {
    service: SERVICE,
    timestamp,
    nowSeconds: ctx.clock.nowSeconds(),
    toleranceSeconds: TIMESTAMP_TOLERANCE_SECONDS,
    keyFor: (id) => {
      ex.record.secretId = id;
      if (id === ctx.credentials.secretId) return ctx.credentials;
      // Temporary keys from STS, with the token they came with.
      return ctx.sts.keyFor(id, ctx.clock.nowSeconds());
    },
  });
}

function checkRequest(
  ex: Exchange,
  headers: TcHeaders,
  body: Buffer,
  ctx: ServerContext,
): ActionDef {
  checkSignature(ex, body, headers.timestamp, ctx);
  if (headers.version !== API_VERSION) {
    throw new ApiError(
      "NoSuchVersion",
      `Version ${headers.version} of this service does not exist.`,
    );
  }
  const def = ACTIONS.get(headers.action);
  if (!def) throw new ApiError("InvalidAction", `Action ${headers.action} does not exist.`);
  if (!JSON_TYPE.test(headers.contentType)) {
    const why = `Content-Type ${headers.contentType} is not application/json.`;
    throw new ApiError(BAD_CONTENT_TYPE_CODE, why);
  }
  return def;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function outcomeOf(ex: Exchange, received: LimitedBody, ctx: ServerContext): Outcome {
  if (received.tooLarge) {
    const why = `The body has ${received.size} bytes; at most ${MAX_API_BODY_BYTES} are allowed.`;
    return new ApiError("RequestSizeLimitExceeded", why);
  }
  const params = parseJson(received.body);
  if (typeof params === "object" && params !== null && !Array.isArray(params)) {
    ex.record.params = params as Record<string, unknown>;
  }
  try {
    const headers = tcHeaders(ex);
    if (STS_ACTIONS.has(headers.action)) return stsOutcome(ex, headers, params, ctx);
    const def = checkRequest(ex, headers, received.body, ctx);
    if (params === undefined) return new ApiError("InvalidParameter", "The body is not JSON.");
    const checked = checkParams(params, def.schema);
    // Devices whose steps follow the clock are brought up to it before anything reads them.
    ctx.state.settle();
    return def.run(checked, ctx);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

/** Checks and carries out the call; what it comes to is also noted in the record. */
function carryOut(ex: Exchange, received: LimitedBody, ctx: ServerContext): Outcome {
  const outcome = outcomeOf(ex, received, ctx);
  ex.note(outcome);
  return outcome;
}

async function applyFault(ex: Exchange, fault: Fault, run: () => Outcome, ctx: ServerContext) {
  const outcome = processes(fault) ? run() : undefined;
  switch (fault.type) {
    case "reset-before":
    case "lost-after-process":
      return ex.cut();
    case "rate-limit":
      return ex.answer(
        new ApiError(
          fault.code ?? "RequestLimitExceeded",
          "Your requests exceed the frequency limit.",
        ),
      );
    case "error":
      // A request that failed its own checks answers that failure: nothing was carried out.
      return ex.answer(
        outcome instanceof ApiError
          ? outcome
          : new ApiError(fault.code, fault.message ?? fault.code),
      );
    case "status":
      return ex.send(fault.status, "text/html", fault.body ?? errorPage(fault.status));
    case "non-json":
      return ex.send(200, "text/html", NON_JSON_PAGE);
    case "truncated": {
      const text = ex.envelopeText(outcome ?? new ApiError("InternalError", "Internal error."));
      return ex.send(200, "application/json", text.slice(0, Math.floor(text.length / 2)));
    }
    case "slow":
      await ctx.sleep(fault.delayMs);
      // Unprocessed slow requests are carried out only if the client is still waiting.
      if (!ex.gone) ex.answer(outcome ?? run());
      return;
    default:
      return ex.answer(outcome ?? run());
  }
}

/** Handles one API call: read (size-capped), check, carry out, answer, with any scripted fault. */
export async function handleApi(ex: Exchange, ctx: ServerContext): Promise<void> {
  const action = headerText(ex.req.headers, "x-tc-action");
  if (action !== undefined) ex.record.action = action;
  const fault = action === undefined ? undefined : ctx.faults.take(action);
  if (fault) ex.record.fault = fault.type;
  const received = await readLimited(ex.req, MAX_API_BODY_BYTES);
  const run = () => carryOut(ex, received, ctx);
  if (fault) await applyFault(ex, fault, run, ctx);
  else ex.answer(run());
}
