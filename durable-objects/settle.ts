// Waiting until an object is idle: tests and benchmarks call an object's `settled()` instead of
// sleeping. Work in flight can start more work (a commit schedules alerts, a drain loops), so idle
// means a round in which nothing new started.

/** Resolves once `inFlight()` returns the same, all settled, promises twice running and `busy()` is false (bounded). */
export async function settle(inFlight: () => unknown[], busy: () => boolean, rounds = 50): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const work = inFlight();
    await Promise.all(work.map((p) => Promise.resolve(p).catch(() => undefined)));
    // A macrotask: what those settled may have scheduled (alerts after a commit) gets to start.
    await new Promise((r) => setTimeout(r, 0));
    const now = inFlight();
    if (now.length === work.length && now.every((p, i) => p === work[i]) && !busy()) return;
  }
}
