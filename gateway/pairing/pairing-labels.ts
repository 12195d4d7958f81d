/**
 * Plain words for the pairing page and the pairing command (what each kind of device is
 * called is common/device-kinds.ts): a signal strength as bars (with the dBm beside it for whoever helps on the
 * phone), and a battery level with a word of advice when it runs low. Shared by the server
 * side and the page's script, so it imports nothing but the low-battery rule.
 */
import { isLowBattery } from '../../common/battery.ts';

/** Bars out of 4 for an RSSI in dBm: -60 and up is 4 bars (an arm's length), below -90 none. */
export function signalBars(rssi: number | null): 0 | 1 | 2 | 3 | 4 {
  if (rssi === null || rssi < -90) return 0;
  if (rssi < -80) return 1;
  if (rssi < -70) return 2;
  if (rssi < -60) return 3;
  return 4;
}

/** "▂▄▆_ -67 dBm" */
export function signalText(rssi: number | null): string {
  if (rssi === null) return 'no signal';
  const bars = signalBars(rssi);
  return `${'▂▄▆█'.slice(0, bars)}${'_'.repeat(4 - bars)} ${rssi} dBm`;
}

/** "64 %", "18 % (low: charge it or change its battery)", or `unknown` when the device has not said. */
export function batteryText(percent: number | null, unknown: string): string {
  if (percent === null) return unknown;
  return isLowBattery(percent) ? `${percent} % (low: charge it or change its battery)` : `${percent} %`;
}
