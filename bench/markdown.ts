// Small pieces of Markdown for the report; prettier aligns the tables when the file is written.

/** A table: a header row, then one row per entry. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Seconds as whole milliseconds: "116 ms". */
export function ms(seconds: number): string {
  return `${(seconds * 1000).toFixed(0)} ms`;
}

/** A difference in seconds as signed milliseconds: "+38 ms". */
export function plusMs(seconds: number): string {
  const whole = Math.round(seconds * 1000);
  return `${whole < 0 ? "−" : "+"}${Math.abs(whole)} ms`;
}

export function mib(value: number): string {
  return `${value.toFixed(0)} MiB`;
}

/** A verdict as the tables show it: bold when a target is missed. */
export function verdict(met: boolean): string {
  return met ? "met" : "**not met**";
}

/** "20.20.2" from "v20.20.2". */
export function nodeName(version: string): string {
  return `Node ${version.replace(/^v/, "")}`;
}

export function count(value: number): string {
  return value.toLocaleString("en");
}

/** "1 round", "9 rounds". */
export function rounds(runs: number): string {
  return runs === 1 ? "1 round" : `${runs} rounds`;
}

/** Seconds, to the millisecond below 10 s. */
export function seconds(value: number): string {
  return `${value.toFixed(value < 10 ? 3 : 1)} s`;
}
