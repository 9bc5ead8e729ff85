import { setTimeout as sleep } from "node:timers/promises";

/**
 * Waits until `done()` holds, or until `stop` comes first: the action under test settling, or
 * the test's own signal (aborted when the test times out). Returns whether `done()` held. No
 * deadline of its own: on a busy machine a slow start only takes longer, and the test's timeout
 * still bounds a run that hangs.
 */
export async function until(
  done: () => boolean,
  stop: Promise<unknown> | AbortSignal,
): Promise<boolean> {
  let stopped = false;
  const mark = () => void (stopped = true);
  if (stop instanceof AbortSignal) {
    stopped = stop.aborted;
    stop.addEventListener("abort", mark, { once: true });
  } else stop.then(mark, mark);
  while (!done() && !stopped) await sleep(20);
  return done();
}
