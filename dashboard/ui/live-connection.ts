/**
 * The live feed (server-sent events at /api/live) with a small status line that says in
 * words whether the screen is live. EventSource retries by itself after a dropped line
 * (the server asks for 2 s); when the browser gives up (the server answered an error),
 * the page opens a new one after a pause that grows to 30 s. After any reconnection the
 * screen is told to reload, since readings may have been missed meanwhile.
 */
import type { LiveEvent } from './api-types.ts';
import { h } from './dom.ts';

export interface LiveHandlers {
  reading?(event: Extract<LiveEvent, { type: 'reading' }>): void;
  alert?(event: Extract<LiveEvent, { type: 'alert' }>): void;
  gateway?(event: Extract<LiveEvent, { type: 'gateway' }>): void;
  /** Called when the feed is back after an interruption. */
  reconnected?(): void;
}

export interface LiveConnection {
  indicator: HTMLElement;
  close(): void;
}

const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 30_000;

export function connectLiveFeed(handlers: LiveHandlers): LiveConnection {
  const indicator = h('span', { class: 'live live-connecting', role: 'status' }, 'Connecting...');
  const show = (state: 'live' | 'reconnecting', text: string) => {
    indicator.className = `live live-${state}`;
    indicator.textContent = text;
  };
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = RETRY_MIN_MS;
  let interrupted = false;
  let closed = false;

  const on = <T extends LiveEvent['type']>(
    type: T,
    handler?: (event: Extract<LiveEvent, { type: T }>) => void,
  ) => {
    source?.addEventListener(type, (message) => {
      if (handler && message instanceof MessageEvent && typeof message.data === 'string') {
        handler(JSON.parse(message.data) as Extract<LiveEvent, { type: T }>);
      }
    });
  };

  const open = () => {
    source = new EventSource('/api/live');
    source.addEventListener('open', () => {
      show('live', 'Live');
      retryMs = RETRY_MIN_MS;
      if (interrupted) handlers.reconnected?.();
      interrupted = false;
    });
    source.addEventListener('error', () => {
      interrupted = true;
      show('reconnecting', 'Reconnecting...');
      if (source?.readyState === EventSource.CLOSED && !closed) {
        retryTimer = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      }
    });
    on('reading', handlers.reading);
    on('alert', handlers.alert);
    on('gateway', handlers.gateway);
  };
  open();

  return {
    indicator,
    close: () => {
      closed = true;
      clearTimeout(retryTimer);
      source?.close();
    },
  };
}
