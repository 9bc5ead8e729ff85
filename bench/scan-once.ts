// Child process of the benchmark: one cold scanDeviceList, as the action would run it.
// Prints one JSON line: seconds, peak RSS and what the scan found.
import { scanDeviceList } from "../src/target/list-file/scan.js";

const path = process.argv[2];
if (path === undefined) throw new Error("usage: scan-once.ts <device-list file>");
const started = performance.now();
const list = await scanDeviceList(path);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    deviceCount: list.deviceCount,
    size: list.size,
    duplicates: list.duplicates,
  }),
);
