/**
 * Text that came from outside (an answer body, a header, an error message, a file name, a device
 * name, a path, a user's value) reaches each sink through one rule of this module:
 *
 * - the log: forLog (userValue for a user's own input quoted in an error message): our secrets
 *   redacted, control characters shown as escapes, nothing that starts a workflow command;
 * - the job summary: forSummary: the same one line, then no character Markdown or HTML could
 *   read as syntax (no link, image, autolink, emphasis, code or table bar);
 * - the step outputs: forOutput: no line break and nothing a shell would act on.
 *
 * The runner masks whole secret values only, so each rule redacts before it cuts: a cut-off
 * token never reaches a sink.
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
 * The log's rule: redacted, control characters shown as escapes (\n, \u001b), "::" and "##["
 * broken up so no workflow command can start, then cut to `max` characters.
 */
export function forLog(text: string, max: number): string {
  // Every colon before another gets a space: ":::" must not leave a "::" behind.
  return cut(escaped(redact(text)).replace(/:(?=:)/g, ": "), max);
}

/**
 * One line of a user's own value (an input) for an error message: like forLog, but "::" is left
 * alone where it cannot start a command (mid-line), so an ARN such as qcs::cam::uin/1 reads as
 * written. The runner reads "::" commands only at the start of a line, "##[" anywhere.
 */
export function userValue(text: string, max: number): string {
  return cut(escaped(redact(text)).replace(/^(\s*):/, "$1\\u003a"), max);
}

// Markdown's link, image, HTML, emphasis, code, table and math syntax, and what GFM needs to
// make a link of a bare URL or e-mail address (":" of "://", "@", the "." of "www."). "(", ")"
// and "!" stay as they are: without "[" and "]" they make no link or image, and our own
// messages ("device(s)") keep reading as written in the summary's source.
const MARKDOWN = /["$&*<>[\\\]_`|~@]|:(?=\/)|(?<=www)\./gi;

/**
 * The job summary's rule, for a table cell or the rest of a line: forLog's one line, cut to
 * `max`, then each character that Markdown or HTML could read as syntax written as a numeric
 * character reference. It reads the same on the run's page, and none of it is markup: no link,
 * image, autolink, bare URL, e-mail link, emphasis, code span, HTML or table bar.
 */
export function forSummary(text: string, max: number): string {
  return forLog(text, max).replace(MARKDOWN, (c) => `&#${c.charCodeAt(0)};`);
}

// What an output keeps as it is: what request ids, file names and counts are made of. A
// workflow that writes an output into a `run:` script gets nothing a shell acts on.
const OUTPUT_UNSAFE = /[^A-Za-z0-9._:/+=,@-]/g;
// Far above any value of ours (task-ids of the most waves); a flood from outside stops here.
const MAX_OUTPUT = 4096;

/**
 * The outputs' rule: redacted, then every character a shell or a line-based reader could act on
 * (line breaks, quotes, `$`, backquotes, spaces, `;`, `|`, …) written as \uXXXX, cut to 4096.
 */
export function forOutput(text: string): string {
  const safe = redact(text).replace(
    OUTPUT_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return cut(safe, MAX_OUTPUT);
}

function escaped(text: string): string {
  return (
    JSON.stringify(text)
      .slice(1, -1)
      .replace(/\\"/g, '"')
      // JSON leaves DEL, the C1 controls (NEL among them) and the Unicode line separators as they are.
      .replace(
        /[\u007f-\u009f\u2028\u2029]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      )
      .replace(/##\[/g, "# #[")
  );
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
