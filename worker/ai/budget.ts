// A hard time budget around a model call: the call is aborted and the promise rejects when time is up,
// whether or not the callee honours the abort signal.

export class BudgetExceeded extends Error {
  constructor(readonly ms: number) {
    super(`time budget of ${ms} ms exceeded`);
  }
}

export async function withBudget<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new BudgetExceeded(ms));
      reject(new BudgetExceeded(ms));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
