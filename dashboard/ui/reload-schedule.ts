/**
 * When a screen reloads its data: every `everyMs` as a safety net, and shortly after any
 * event that asks for it; events in a burst (a gateway reconnecting) cause one reload.
 */
export interface ReloadSchedule {
  /** Reload after a short pause, once for all requests that arrive meanwhile. */
  soon(): void;
  stop(): void;
}

const SOON_MS = 300;

export function scheduleReloads(load: () => void, everyMs: number): ReloadSchedule {
  let pending: ReturnType<typeof setTimeout> | undefined;
  const regular = setInterval(load, everyMs);
  return {
    soon: () => {
      clearTimeout(pending);
      pending = setTimeout(load, SOON_MS);
    },
    stop: () => {
      clearTimeout(pending);
      clearInterval(regular);
    },
  };
}
