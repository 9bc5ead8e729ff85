import { forSummary } from "../outside-text.js";

/** Characters of outside text in one cell or line; a device's name needs far fewer. */
export const MAX_CELL = 200;

/**
 * One table cell (or the rest of a line) of outside text, by the summary's rule: one line, cut
 * to `max` characters, no Markdown or HTML. Each character comes out as at most 6 bytes
 * (`&#124;`), which is what the summary's size bound counts on.
 */
export function cell(text: string, max = MAX_CELL): string {
  return forSummary(text, max);
}

/**
 * A Markdown link built from one of our own URLs (the run's page, the deployment's): http(s)
 * only, written as the URL parser normalizes it, with the characters that could end a link
 * destination (parentheses, spaces) percent-encoded. Anything else gives the text alone.
 * Outside text never reaches here as a URL.
 */
export function link(text: string, url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || !["https:", "http:"].includes(parsed.protocol)) return cell(text);
  const href = parsed.href.replace(
    /[()\s<>]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return `[${cell(text)}](${href})`;
}
