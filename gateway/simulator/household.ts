/**
 * A household's simulated devices for the demo and the tests: for each patient, the devices
 * their condition calls for, with realistic names and models, and Bluetooth addresses that
 * stay the same for the same seed (random static addresses: the top two bits set).
 *
 * Profiles:
 * - `diabetes`: a glucose meter and a CGM sharing one glucose curve (meals, night lows);
 * - `copd`: a pulse oximeter around 90 % with night-time desaturations;
 * - `heart`: a chest heart-rate strap and a pulse oximeter around 97 %.
 *
 * Which model a patient gets (mg/dL or mmol/L meter, CGM with or without E2E-CRC), when the
 * meter was first used and when the first CGM session began are drawn from the seed, so
 * they are the same on every start.
 */
import { CgmRecords, createCgmSensor } from './cgm-sensor.ts';
import { createGlucoseMeter } from './glucose-meter.ts';
import { MeterLog } from './glucose-meter-log.ts';
import { GlucoseCurve } from './glucose-physiology.ts';
import { createHeartRateStrap } from './heart-rate-strap.ts';
import { DAY_MS, LocalTime, MINUTE_MS } from './local-time.ts';
import { COPD_OXYGEN, GENERAL_OXYGEN, type OxygenProfile } from './oxygen-saturation-physiology.ts';
import type { PatientProfile } from './patient-profile.ts';
import { createPulseOximeter } from './pulse-oximeter.ts';
import { SeededNoise } from './seeded-noise.ts';
import type { SimulationClock } from './simulation-clock.ts';
import type { BatteryDrain, DeviceIdentity } from './standard-services.ts';
import type { DeviceModelOptions, VirtualDevice } from './virtual-device.ts';

export interface HouseholdPatient {
  patientId: string;
  profile: PatientProfile;
}

export interface HouseholdOptions {
  seed: string;
  patients: readonly HouseholdPatient[];
  clock: SimulationClock;
  /** The zone the patients live in and set their device clocks to. */
  timeZone: string;
  /** Advertising interval of every device (default 100 ms; tests use less). */
  advertisingIntervalMs?: number;
}

export interface HouseholdDevice {
  patientId: string;
  device: VirtualDevice;
  /** A glucose meter's memory, or a CGM's records: what the device can be asked for. */
  meterLog?: MeterLog;
  cgmRecords?: CgmRecords;
}

const MANUFACTURER = 'Simulated Medical Devices';
/** Meters, CGM sessions and batteries count from this date, plus a few days drawn from the seed. */
const FLEET_EPOCH_MS = Date.UTC(2026, 0, 1);

interface ModelSpec {
  name: string;
  model: string;
  firmware: string;
  rssi: number;
  /** Battery life: simulated hours per percent. */
  hoursPerPercent: number;
}

const MODELS = {
  strap: { name: 'PulseBand H2', model: 'PB-H2', firmware: '2.4.1', rssi: -62, hoursPerPercent: 6 },
  oximeter: { name: 'OxiClip P8', model: 'OC-P8', firmware: '1.9.0', rssi: -68, hoursPerPercent: 2 },
  meterMgdl: { name: 'GlucoSure 200', model: 'GS-200', firmware: '3.1.2', rssi: -74, hoursPerPercent: 24 },
  meterMmol: { name: 'GlucoSure 210', model: 'GS-210', firmware: '3.1.2', rssi: -74, hoursPerPercent: 24 },
  cgmCrc: { name: 'SenseFlow G3', model: 'SF-G3', firmware: '5.0.7', rssi: -78, hoursPerPercent: 3 },
  cgmPlain: { name: 'SenseFlow G2', model: 'SF-G2', firmware: '4.2.0', rssi: -80, hoursPerPercent: 3 },
} as const satisfies Record<string, ModelSpec>;

/** A random static address from the seed: six bytes, the two top bits of the first set. */
export function stableAddress(noise: SeededNoise, ...key: readonly string[]): string {
  const bytes = Array.from({ length: 6 }, (_, i) => noise.integer(0, 255, 'address', ...key, i));
  bytes[0] = ((bytes[0] ?? 0) | 0xc0) & 0xff;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function createHousehold(o: HouseholdOptions): HouseholdDevice[] {
  const root = new SeededNoise(o.seed);
  const local = new LocalTime(o.timeZone);
  return o.patients.flatMap(({ patientId, profile }) => {
    const noise = root.derive(patientId);
    const build = (spec: ModelSpec, role: string): DeviceModelOptions => {
      const address = stableAddress(noise, role);
      const serial = address.replaceAll(':', '').slice(-8).toUpperCase();
      const identity: DeviceIdentity = {
        manufacturer: MANUFACTURER,
        model: spec.model,
        serial,
        firmware: spec.firmware,
      };
      const battery: BatteryDrain = {
        fullAtMs: FLEET_EPOCH_MS + noise.between(0, 30, 'battery', role) * DAY_MS,
        hoursPerPercent: spec.hoursPerPercent,
        replacedBelowPercent: 10,
      };
      return {
        address,
        name: `${spec.name} ${serial.slice(-4)}`,
        identity,
        clock: o.clock,
        local,
        noise: noise.derive(role),
        battery,
        rssi: spec.rssi,
        ...(o.advertisingIntervalMs === undefined ? {} : { advertisingIntervalMs: o.advertisingIntervalMs }),
      };
    };
    const oximeter = (oxygen: OxygenProfile): HouseholdDevice => ({
      patientId,
      device: createPulseOximeter({ ...build(MODELS.oximeter, 'oximeter'), profile: oxygen }),
    });
    if (profile === 'copd') return [oximeter(COPD_OXYGEN)];
    if (profile === 'heart') {
      return [
        { patientId, device: createHeartRateStrap(build(MODELS.strap, 'strap')) },
        oximeter(GENERAL_OXYGEN),
      ];
    }
    const curve = new GlucoseCurve(noise.derive('glucose'), local);
    const mmol = noise.chance(0.5, 'meter-unit');
    const meter = build(mmol ? MODELS.meterMmol : MODELS.meterMgdl, 'meter');
    const firstUseMs = wholeMinute(FLEET_EPOCH_MS + noise.between(0, 20, 'first-use') * DAY_MS);
    const meterLog = new MeterLog({
      curve,
      noise: meter.noise,
      local,
      unit: mmol ? 'mmol/L' : 'mg/dL',
      firstUseMs,
    });
    const e2eCrc = noise.chance(0.5, 'cgm-crc');
    const cgm = build(e2eCrc ? MODELS.cgmCrc : MODELS.cgmPlain, 'cgm');
    const firstSessionMs = wholeMinute(FLEET_EPOCH_MS + noise.between(0, 14, 'first-session') * DAY_MS);
    const cgmRecords = new CgmRecords(curve, cgm.noise, firstSessionMs, !e2eCrc);
    return [
      { patientId, device: createGlucoseMeter({ ...meter, log: meterLog }), meterLog },
      { patientId, device: createCgmSensor({ ...cgm, records: cgmRecords, e2eCrc }), cgmRecords },
    ];
  });
}

function wholeMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
