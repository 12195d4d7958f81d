/** What every screen gets from the app shell, and what it gives back: a way to stop it. */
import type { ApiClient } from './api-client.ts';
import type { SessionUser } from './api-types.ts';
import type { ServerClock } from './server-clock.ts';

export interface ScreenContext {
  api: ApiClient;
  user: SessionUser;
  clock: ServerClock;
  /** Sets the page title ("Ward", "Amina Bibi"...). */
  setTitle(title: string): void;
}

/** Stops timers, live feeds and charts when the user leaves the screen. */
export type StopScreen = () => void;
