/**
 * The server's clock as seen from this page. Ages ("2 min ago") and snoozes are measured
 * against it, so a tablet whose clock is an hour off still shows the right ages. The
 * offset is taken from the `now` of the ward answer; `deviceNow` is injected for tests.
 */
export interface ServerClock {
  now(): number;
  sync(serverIso: string): void;
}

export function createServerClock(deviceNow: () => number = Date.now): ServerClock {
  let offsetMs = 0;
  return {
    now: () => deviceNow() + offsetMs,
    sync: (serverIso) => {
      const server = Date.parse(serverIso);
      if (Number.isFinite(server)) offsetMs = server - deviceNow();
    },
  };
}
