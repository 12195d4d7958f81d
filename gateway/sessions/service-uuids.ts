/**
 * The GATT services the sessions talk to (Bluetooth SIG assigned numbers, as noble spells
 * them); the simulated devices offer the same ones.
 */
export const HEART_RATE_SERVICE = '180d';
export const PULSE_OXIMETER_SERVICE = '1822';
export const GLUCOSE_SERVICE = '1808';
export const CGM_SERVICE = '181f';
export const DEVICE_INFORMATION_SERVICE = '180a';
export const BATTERY_SERVICE = '180f';
export const CURRENT_TIME_SERVICE = '1805';
