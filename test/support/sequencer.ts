import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that spend their time waiting in real time (a lookup window, a server that drips):
 * started first, so that on a fresh clone, with no timings cached yet, they overlap the rest
 * instead of running last.
 */
const WAIT_IN_REAL_TIME = [
  "test/faults-real-time.test.ts",
  "test/hostile/lookup.test.ts",
  "test/hostile/upload-hang.test.ts",
];

export default class RealTimeFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const slow = (spec: TestSpecification) =>
      WAIT_IN_REAL_TIME.includes(relative(this.ctx.config.root, spec.moduleId));
    return [...sorted.filter(slow), ...sorted.filter((spec) => !slow(spec))];
  }
}
