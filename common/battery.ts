/**
 * When a device's battery counts as low, for every screen that shows it (the ward view, the
 * patient's device table, the gateway's pairing page): below 20 % a patient still has days
 * on most straps and meters to charge it or change the cell, which is when they should be told.
 */
export const LOW_BATTERY_PERCENT = 20;

export const isLowBattery = (percent: number | null): boolean =>
  percent !== null && percent < LOW_BATTERY_PERCENT;
