/**
 * The kinds of health device the platform reads, and what each is called. The gateway's
 * device profiles (gateway/profiles/) say how each kind is read over Bluetooth; the status
 * messages, the pairing page and the dashboard name a kind from here, so a strap is called
 * the same everywhere.
 *
 * Plain data with no imports, so the browser pages bundle it as it is (the contract's zod
 * schema DeviceKind is built from these names).
 */

/** What a patient, a nurse and a doctor call each kind. */
export const DEVICE_KIND_LABELS = {
  heart_rate: 'Heart-rate strap',
  pulse_oximeter: 'Pulse oximeter',
  glucose_meter: 'Glucose meter',
  cgm: 'Glucose sensor (CGM)',
  blood_pressure_monitor: 'Blood pressure monitor',
  weight_scale: 'Weighing scale',
  thermometer: 'Thermometer',
} as const;
export type DeviceKind = keyof typeof DEVICE_KIND_LABELS;

export const DEVICE_KIND_NAMES = Object.keys(DEVICE_KIND_LABELS) as [DeviceKind, ...DeviceKind[]];

export function isDeviceKind(kind: string): kind is DeviceKind {
  return Object.hasOwn(DEVICE_KIND_LABELS, kind);
}

/** The label of a kind, or the kind itself for one this version does not know. */
export function deviceKindLabel(kind: string): string {
  return isDeviceKind(kind) ? DEVICE_KIND_LABELS[kind] : kind;
}
