/**
 * The ward view: every patient of the user's care teams as a tile, in the server's order
 * (critical, warning, silent, the rest). Live: a reading updates its tile at once; an
 * alert or gateway event reloads the ward (the server decides who needs attention); and
 * the ward reloads every minute anyway, in case an event was missed.
 */
import { refreshAgeLabels } from './age-label.ts';
import { errorText } from './api-client.ts';
import type { WardResponse, WardTile } from './api-types.ts';
import { h, notice } from './dom.ts';
import { connectLiveFeed } from './live-connection.ts';
import { scheduleReloads } from './reload-schedule.ts';
import type { ScreenContext, StopScreen } from './screen-context.ts';
import { formatClock } from './time-ago.ts';
import { renderWardTile } from './ward-tile.ts';
import { applyLiveReading } from './ward-tile-status.ts';

const REFRESH_MS = 60_000;
const AGE_TICK_MS = 30_000;

function summaryText(tiles: readonly WardTile[]): string {
  const count = (a: WardTile['attention']) => tiles.filter((t) => t.attention === a).length;
  const parts = [
    `${count('critical')} critical`,
    `${count('warning')} warning`,
    `${count('silent')} silent`,
    `${count('ok')} OK`,
  ];
  return `${tiles.length} patient${tiles.length === 1 ? '' : 's'}: ${parts.join(' · ')}`;
}

export function showWard(root: HTMLElement, ctx: ScreenContext): StopScreen {
  ctx.setTitle('Ward');
  let tiles: WardTile[] = [];
  const summary = h('p', { class: 'ward-summary' });
  const updated = h('span', { class: 'updated' });
  const problem = h('div', { class: 'ward-problem' });
  const grid = h('div', { class: 'tiles', 'aria-live': 'off' });

  const live = connectLiveFeed({
    reading: (event) => {
      const i = tiles.findIndex((t) => t.patientId === event.patientId);
      const tile = tiles[i];
      if (!tile) return;
      const next = applyLiveReading(tile, event);
      tiles[i] = next;
      grid
        .querySelector(`[data-patient-id="${CSS.escape(tile.patientId)}"]`)
        ?.replaceWith(renderWardTile(next, ctx.clock.now()));
      // A silent patient who speaks again is no longer silent: the server re-sorts the ward.
      if (tile.attention === 'silent') reloads.soon();
    },
    alert: () => reloads.soon(),
    gateway: () => reloads.soon(),
    reconnected: () => reloads.soon(),
  });

  root.replaceChildren(
    h(
      'div',
      { class: 'screen-head' },
      h('h1', {}, 'Ward'),
      summary,
      h('p', { class: 'screen-status' }, live.indicator, updated),
    ),
    problem,
    grid,
  );

  let stopped = false;
  const load = async () => {
    try {
      const ward = await ctx.api.get<WardResponse>('/api/ward');
      if (stopped) return;
      ctx.clock.sync(ward.now);
      tiles = ward.tiles;
      const now = ctx.clock.now();
      summary.textContent = summaryText(tiles);
      updated.textContent = `Updated ${formatClock(now)}`;
      problem.replaceChildren();
      grid.replaceChildren(
        ...(tiles.length
          ? tiles.map((t) => renderWardTile(t, now))
          : [
              notice(
                'info',
                'No patients in your care teams yet. An administrator assigns patients to care teams.',
              ),
            ]),
      );
    } catch (error) {
      if (stopped) return;
      const shown = tiles.length ? ' (the tiles show the last data received)' : '';
      problem.replaceChildren(notice('error', `Could not load the ward: ${errorText(error)}${shown}`));
    }
  };

  const reloads = scheduleReloads(() => void load(), REFRESH_MS);
  const ages = setInterval(() => refreshAgeLabels(grid, ctx.clock.now()), AGE_TICK_MS);
  void load();

  return () => {
    stopped = true;
    live.close();
    reloads.stop();
    clearInterval(ages);
  };
}
