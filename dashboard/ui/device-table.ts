/** The patient's devices as their gateways last reported them: battery, connection, last seen. */
import { isLowBattery } from '../../common/battery.ts';
import { deviceKindLabel } from '../../common/device-kinds.ts';
import { ageLabel } from './age-label.ts';
import type { DeviceState } from './api-types.ts';
import { h, notice, row, table } from './dom.ts';

function batteryCell(percent: number | null): HTMLTableCellElement {
  if (percent === null) return h('td', {}, 'Not reported');
  const low = isLowBattery(percent);
  return h('td', { class: low ? 'battery-low' : '' }, low ? `⚠ ${percent} % (low)` : `${percent} %`);
}

export function renderDeviceTable(devices: readonly DeviceState[], nowMs: number): HTMLElement {
  if (!devices.length) return notice('info', 'No devices reported by the gateway yet.');
  return table(
    'devices',
    ['Device', 'Battery', 'Connection', 'Last seen', 'Gateway'],
    devices.map((d) =>
      row(
        { 'data-device-id': d.deviceId },
        h('td', {}, h('strong', {}, deviceKindLabel(d.kind)), h('br'), h('small', {}, d.deviceId)),
        batteryCell(d.batteryPercent),
        d.connected ? 'Connected' : 'Not connected',
        d.lastSeen === null ? 'Never' : ageLabel(d.lastSeen, nowMs),
        d.gatewayId,
      ),
    ),
  );
}
