/**
 * Waits for `work` to settle, at most `ms`, and no longer once `now` aborts (a second SIGTERM).
 * @returns whether the work settled in time.
 */
export async function waitAtMost(work: Promise<unknown>, ms: number, now?: AbortSignal): Promise<boolean> {
  if (now?.aborted) return false;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const settled = work.then(
    () => true,
    () => true,
  );
  const cut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    onAbort = () => resolve(false);
    now?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([settled, cut]);
  } finally {
    clearTimeout(timer);
    if (onAbort) now?.removeEventListener("abort", onAbort);
  }
}
