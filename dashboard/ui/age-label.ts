/**
 * "2 min ago" labels that keep themselves true: each carries its time, and the screen
 * calls `refreshAgeLabels` every half minute. An old reading (over an hour) says so in
 * words, not only in a fainter colour.
 */
import { h } from './dom.ts';
import { formatClock, isStale, timeAgo } from './time-ago.ts';

function fill(el: HTMLElement, timeMs: number, nowMs: number): void {
  const stale = isStale(timeMs, nowMs);
  el.textContent = stale ? `${timeAgo(timeMs, nowMs)} (old)` : timeAgo(timeMs, nowMs);
  el.classList.toggle('stale', stale);
}

export function ageLabel(timeMs: number, nowMs: number): HTMLElement {
  const el = h('time', {
    class: 'age',
    datetime: new Date(timeMs).toISOString(),
    title: formatClock(timeMs),
    'data-age-time': timeMs,
  });
  fill(el, timeMs, nowMs);
  return el;
}

export function refreshAgeLabels(root: ParentNode, nowMs: number): void {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('[data-age-time]'))) {
    fill(el, Number(el.dataset.ageTime), nowMs);
  }
}
