// Work done in steps (a generator that yields between them), run to its end at once or in slices
// that let other work run between them: a long computation on the main thread otherwise holds up
// the replies of reads in flight, and with them the reads still to send.

/** Runs the steps to their end at once. */
export function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs the steps to their end in slices of about `sliceMs`, letting the event loop run between
 * slices (replies that came in, reads that can go): the work then overlaps the reads instead of
 * waiting for them or holding them up.
 */
export async function inSlices<T>(steps: Generator<void, T>, sliceMs = 2): Promise<T> {
  for (;;) {
    const until = performance.now() + sliceMs;
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (performance.now() >= until) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
