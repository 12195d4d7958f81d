/**
 * The GATT services the gateway talks to (Bluetooth SIG Assigned Numbers, as noble spells
 * them): the device profiles (gateway/profiles/) name their health service from here, and
 * the simulated devices offer the same ones.
 */
export const HEART_RATE_SERVICE = '180d';
export const PULSE_OXIMETER_SERVICE = '1822';
export const GLUCOSE_SERVICE = '1808';
export const CGM_SERVICE = '181f';
export const BLOOD_PRESSURE_SERVICE = '1810';
export const WEIGHT_SCALE_SERVICE = '181d';
export const HEALTH_THERMOMETER_SERVICE = '1809';
export const DEVICE_INFORMATION_SERVICE = '180a';
export const BATTERY_SERVICE = '180f';
export const CURRENT_TIME_SERVICE = '1805';
