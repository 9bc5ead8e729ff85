// Hostile strings for the sinks' property tests: pieces that each try to become something in a
// log, a job summary or an output (a workflow command, a link, an image, a line break, a shell
// command), mixed with random characters. Seeded, so a failure names the case that shows it.

/** A small, fast PRNG (mulberry32): the same seed gives the same strings on every machine. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Pieces that mean something to one sink or another. */
export const HOSTILE_PIECES = [
  "::",
  "::error::pwned",
  "::set-output name=task-id::666",
  "::add-mask::",
  "##[",
  "##[group]",
  "##[error]x",
  "\n",
  "\r\n",
  "\r",
  "\u2028",
  "\u2029",
  "\u0085",
  "\u001b[31m",
  "\u0000",
  "\u007f",
  "\t",
  "%0A",
  "[x](https://evil.example/t)",
  "![](https://evil.example/pixel.png)",
  "[ref]: https://evil.example",
  "[^1]",
  "<https://evil.example>",
  "<img src=x>",
  "<script>",
  "https://evil.example/a?b=c",
  "HTTP://EVIL.EXAMPLE",
  "www.evil.example",
  "WwW.evil.example",
  "mailto:a@evil.example",
  "xmpp:a@evil.example",
  "a@evil.example",
  "&#91;x&#93;",
  "&lt;",
  "\\[",
  "\\",
  "|",
  "`code`",
  "```",
  "*em*",
  "**strong**",
  "_em_",
  "~~del~~",
  "$x$",
  "$$",
  "$(id)",
  "`id`",
  "'",
  '"',
  ";",
  "&&",
  "> ",
  "# ",
  "- ",
  "1. ",
  "    ",
  "---",
  "===",
  ":smile:",
  "@octocat",
  "#123",
  "\ud800",
  "😀",
  "ｈｔｔｐｓ：／／",
] as const;

/** `count` strings of up to `pieces` pieces each, every piece hostile or a random character. */
export function hostileStrings(seed: number, count: number, extra: string[] = []): string[] {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const pieces = [...HOSTILE_PIECES, ...extra];
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = "";
    const length = 1 + Math.floor(random() * 12);
    for (let j = 0; j < length; j++) {
      // Any UTF-16 code unit, controls and lone surrogates included, a third of the time.
      text += random() < 0.33 ? String.fromCharCode(Math.floor(random() * 0x10000)) : pick(pieces);
    }
    strings.push(text);
  }
  return strings;
}
