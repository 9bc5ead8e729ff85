import { InputError } from "../run/errors.js";

/** Pure parsers of single input values; each throws InputError naming the input. */

const IDENTIFIER = /^[A-Za-z0-9._+-]{1,64}$/;
const REGION = /^[a-z]+(-[a-z0-9]+)+$/;
const UPGRADE_METHODS: Record<string, 0 | 1> = { silent: 0, "0": 0, confirm: 1, "1": 1 };
const TRUE_WORDS = new Set(["true", "yes", "on", "1"]);
const FALSE_WORDS = new Set(["false", "no", "off", "0", ""]);
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A product id or version: 1-64 letters, digits, '.', '_', '+' or '-'. */
export function identifier(name: string, value: string, example: string): string {
  if (value === "")
    throw new InputError(name, value, `Expected ${example}; this input is required.`);
  if (!IDENTIFIER.test(value)) {
    throw new InputError(
      name,
      value,
      `Expected ${example}: 1-64 letters, digits, '.', '_', '+' or '-'.`,
    );
  }
  return value;
}

/** A region such as ap-guangzhou, or undefined when empty. */
export function region(name: string, value: string): string | undefined {
  if (value === "") return undefined;
  if (!REGION.test(value))
    throw new InputError(name, value, "Expected a region such as ap-guangzhou.");
  return value;
}

export function upgradeMethod(value: string): 0 | 1 {
  const method = UPGRADE_METHODS[(value || "silent").toLowerCase()];
  if (method === undefined) {
    throw new InputError("upgrade-method", value, "Expected silent or confirm (or 0 or 1).");
  }
  return method;
}

/** true/false (yes/no, on/off, 1/0 too); empty is false. */
export function flag(name: string, value: string): boolean {
  const word = value.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new InputError(name, value, "Expected true or false.");
}

export function numberInRange(
  name: string,
  value: string,
  min: number,
  max: number,
  integer: boolean,
): number {
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(parsed >= min && parsed <= max) || (integer && !Number.isInteger(parsed))) {
    const kind = integer ? "a whole number" : "a number of seconds";
    throw new InputError(name, value, `Expected ${kind} from ${min} to ${max}.`);
  }
  return parsed;
}

/**
 * A duration such as 90s, 30m, 2h (or a bare number of seconds) in whole milliseconds, from
 * `minMs` to `maxMs`.
 */
export function duration(name: string, value: string, minMs: number, maxMs: number): number {
  const match = DURATION.exec(value);
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? "s").toLowerCase()]!) : NaN;
  if (!(ms >= minMs && ms <= maxMs)) {
    throw new InputError(
      name,
      value,
      `Expected a duration from ${spoken(minMs)} to ${spoken(maxMs)}, such as 90s, 30m or 2h (a bare number is seconds).`,
    );
  }
  return ms;
}

/** How many failed devices a wait tolerates: a count, or a share of the task's devices. */
export type FailureThreshold = { count: number } | { percent: number };

export function failureThreshold(name: string, value: string): FailureThreshold {
  const share = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (share !== null) {
    const percent = Number(share[1]);
    if (percent <= 100) return { percent };
  } else if (/^\d+$/.test(value)) {
    return { count: Number(value) };
  }
  throw new InputError(name, value, "Expected a number of devices (0, 3) or a share such as 5%.");
}

/**
 * The firmware version a tag names: the tag with one leading v or V dropped when a digit
 * follows (v1.4.0 → 1.4.0). Undefined when the ref is not a tag.
 */
export function versionFromRef(ref: string | undefined): string | undefined {
  const tag = /^refs\/tags\/(.+)$/.exec(ref ?? "")?.[1];
  if (tag === undefined) return undefined;
  return /^[vV]\d/.test(tag) ? tag.slice(1) : tag;
}

/** A host name, host:port, or an http(s) URL with nothing after the host. */
export function endpoint(value: string): URL {
  return apiEndpoint(
    "endpoint",
    value,
    "Expected a host name such as iotvideo.tencentcloudapi.com or an http(s)://host[:port] URL.",
  );
}

/**
 * An API endpoint input (endpoint, sts-endpoint): a host name, host:port, or an http(s) URL
 * with nothing after the host; `expected` says what would be right.
 */
export function apiEndpoint(name: string, value: string, expected: string): URL {
  const shown = withoutUserinfo(value);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError(name, shown, expected);
  }
  if (url.username !== "" || url.password !== "") {
    throw new InputError(
      name,
      shown,
      "Expected no user name or password in the URL: Tencent Cloud APIs authenticate by signature, with secret-id and secret-key.",
    );
  }
  const extra = url.search || url.hash || url.pathname !== "/";
  if ((url.protocol !== "https:" && url.protocol !== "http:") || extra || url.hostname === "") {
    throw new InputError(name, shown, expected);
  }
  return url;
}

/** A URL with anything before an "@" hidden: it may be a password, never to be repeated. */
export function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, "$1***@");
}

function spoken(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
