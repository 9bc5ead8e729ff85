// GitHub renders a job summary as GitHub Flavored Markdown; micromark with its GFM extension
// follows the same specification (autolink literals, tables, strikethrough included), so a test
// can see what a summary would show instead of guessing from its source.
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";

/** The HTML that GFM makes of `markdown`. */
export function renderGfm(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** Text as a renderer writes it into HTML: &, <, > and " as entities, nothing else changed. */
export function asHtmlText(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}
