import { describe, expect, it } from 'vitest';
import { batteryText, signalBars, signalText } from './pairing-labels.ts';

describe('pairing labels', () => {
  it.each([
    [null, 'not known yet'],
    [100, '100 %'],
    [20, '20 %'],
    [19, '19 % (low: charge it or change its battery)'],
    [0, '0 % (low: charge it or change its battery)'],
  ])('battery %s reads "%s"', (percent, text) => {
    expect(batteryText(percent, 'not known yet')).toBe(text);
  });

  it.each([
    [-45, 4, '▂▄▆█ -45 dBm'],
    [-60, 4, '▂▄▆█ -60 dBm'],
    [-61, 3, '▂▄▆_ -61 dBm'],
    [-75, 2, '▂▄__ -75 dBm'],
    [-85, 1, '▂___ -85 dBm'],
    [-91, 0, '____ -91 dBm'],
  ])('signal %s dBm is %s bars: "%s"', (rssi, bars, text) => {
    expect(signalBars(rssi)).toBe(bars);
    expect(signalText(rssi)).toBe(text);
  });

  it('says when there is no signal at all', () => {
    expect(signalText(null)).toBe('no signal');
  });
});
