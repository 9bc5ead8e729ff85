import { MAX_RATIO, MAX_RSS_MIB, TARGET_NAMES } from "./targets.js";

/** One size's figures; times in seconds. */
export interface Row {
  names: number;
  bytes: number;
  md5sum: number;
  /** scanDeviceList alone, in a fresh process. */
  scan: number;
  /** The whole action run: scan, CreateTaskFileUrl, upload, BatchUpdateFirmware. */
  action?: number;
  peakRssMiB?: number;
  /** Why this size's run does not count; the bench then exits non-zero. */
  failure?: string;
}

const COLUMNS = [
  "names",
  "bytes",
  "md5sum s",
  "scan s",
  "scan/md5",
  "action s",
  "action/md5",
  "peak RSS MiB",
  "target",
];

/** Prints the table, then what failed; the target column for the 8M-name list only. */
export function printTable(rows: Row[]): void {
  const cells = rows.map((row) => [
    String(row.names),
    String(row.bytes),
    row.md5sum.toFixed(3),
    row.scan.toFixed(3),
    (row.scan / row.md5sum).toFixed(2),
    row.action === undefined ? "-" : row.action.toFixed(3),
    row.action === undefined ? "-" : (row.action / row.md5sum).toFixed(2),
    row.peakRssMiB === undefined ? "-" : row.peakRssMiB.toFixed(1),
    row.names === TARGET_NAMES ? verdict(row) : "-",
  ]);
  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...cells.map((c) => c[i]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padStart(widths[i]!)))
      .join("  ");
  console.log(`\n${line(COLUMNS)}`);
  for (const row of cells) console.log(line(row));
  for (const row of rows) {
    if (row.failure !== undefined) console.log(`\n${row.names} names: FAILED: ${row.failure}`);
  }
}

function verdict(row: Row): string {
  if (row.failure !== undefined) return "RUN FAILED";
  if (row.action === undefined || row.peakRssMiB === undefined) return "scan only";
  const misses = [
    row.action / row.md5sum > MAX_RATIO ? `ratio > ${MAX_RATIO}` : "",
    row.peakRssMiB > MAX_RSS_MIB ? `RSS > ${MAX_RSS_MIB} MiB` : "",
  ].filter(Boolean);
  return misses.length === 0 ? "met" : `NOT met (${misses.join(", ")})`;
}
