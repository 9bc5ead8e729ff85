/**
 * Text that came from outside (an answer body, a header, an error message, a file name, a
 * user's value) made safe for one log line: our secrets redacted, workflow commands defused,
 * everything on one line, and only then cut to length. The runner masks whole secret values
 * only, so redacting before cutting is what keeps a cut-off token out of the log.
 */

const secrets = new Set<string>();

// Shorter values would redact ordinary words; real keys and tokens are far longer.
const MIN_SECRET_LENGTH = 6;
// A server that echoes a secret may cut it itself: a run this long of a secret's start is redacted.
const MIN_PREFIX = 12;
const REDACTED = "***";
const AUTHORIZATION =
  /TC3-HMAC-SHA256\s+Credential=[^\s",]*(?:,\s*SignedHeaders=[^\s",]*)?(?:,\s*Signature=[0-9a-fA-F]*)?/g;
const SIGNATURE = /Signature=[0-9a-fA-F]{16,}/g;

/** Adds a value that must never reach the log (a key, a token); main masks it with the runner too. */
export function registerSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Replaces every registered secret (and any long run of one's start), and signatures, by "***". */
export function redact(text: string): string {
  let out = text
    .replace(AUTHORIZATION, `TC3-HMAC-SHA256 ${REDACTED}`)
    .replace(SIGNATURE, `Signature=${REDACTED}`);
  // Whole values first, longest first: two secrets may share a start (every GitHub ID token has
  // the same JWT header), and cutting one's start must not leave another's tail behind.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  for (const secret of ordered) out = out.split(secret).join(REDACTED);
  for (const secret of ordered) out = redactPrefixes(out, secret);
  return out;
}

function redactPrefixes(text: string, secret: string): string {
  const head = secret.slice(0, MIN_PREFIX);
  if (head.length < MIN_PREFIX) return text;
  let out = "";
  let from = 0;
  for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, from)) {
    let end = at + head.length;
    while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end++;
    out += text.slice(from, at) + REDACTED;
    from = end;
  }
  return out + text.slice(from);
}

/**
 * One line of outside text for the log: redacted, control characters shown as escapes (\n, \u001b),
 * "::" and "##[" broken up so no workflow command can start, then cut to `max` characters.
 */
export function oneLine(text: string, max: number): string {
  return cut(escaped(redact(text)).replace(/::/g, ": :"), max);
}

/**
 * One line of a user's own value (an input) for an error message: like oneLine, but "::" is left
 * alone where it cannot start a command (mid-line), so an ARN such as qcs::cam::uin/1 reads as
 * written. The runner reads "::" commands only at the start of a line, "##[" anywhere.
 */
export function userValue(text: string, max: number): string {
  return cut(escaped(redact(text)).replace(/^(\s*):/, "$1\\u003a"), max);
}

function escaped(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/##\[/g, "# #[");
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
