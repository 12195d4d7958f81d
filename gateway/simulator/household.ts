/**
 * A household's simulated devices for the demo and the tests: for each patient, the devices
 * their condition calls for, with realistic names and models, and Bluetooth addresses that
 * stay the same for the same seed (random static addresses: the top two bits set).
 *
 * Profiles:
 * - `diabetes`: a glucose meter and a CGM sharing one glucose curve (meals, night lows);
 * - `copd`: a pulse oximeter around 90 % with night-time desaturations;
 * - `heart`: a chest heart-rate strap and a pulse oximeter around 97 %;
 * - `hypertension`: an upper-arm blood pressure cuff around 150/95 mmHg, morning and evening;
 * - `heart_failure`: a bathroom scale, weighed every morning, whose weight climbs 1 kg a
 *   day for 5 days in episodes of fluid retention (every 6 weeks, the first from a day drawn
 *   from the seed) and falls back once treated; and a cuff around 118/72 mmHg on treatment,
 *   often with an irregular pulse, since heart-failure telemonitoring follows weight,
 *   pressure and pulse together.
 *
 * Which model a patient gets (mg/dL or mmol/L meter, CGM with or without E2E-CRC), when the
 * meter was first used, when the first CGM session began, a heart-failure patient's weight
 * and height and when their fluid retention first begins are drawn from the seed, so they
 * are the same on every start.
 */

import {
  type BloodPressureProfile,
  HYPERTENSIVE_PRESSURE,
  TREATED_HEART_FAILURE_PRESSURE,
} from '../profiles/blood-pressure-monitor/physiology.ts';
import {
  type BloodPressureCuff,
  createBloodPressureCuff,
} from '../profiles/blood-pressure-monitor/simulated-cuff.ts';
import { CgmRecords, createCgmSensor } from '../profiles/cgm/simulated-sensor.ts';
import { createGlucoseMeter } from '../profiles/glucose-meter/simulated-meter.ts';
import { MeterLog } from '../profiles/glucose-meter/simulated-meter-log.ts';
import { createHeartRateStrap } from '../profiles/heart-rate/simulated-strap.ts';
import { COPD_OXYGEN, GENERAL_OXYGEN, type OxygenProfile } from '../profiles/pulse-oximeter/physiology.ts';
import { createPulseOximeter } from '../profiles/pulse-oximeter/simulated-oximeter.ts';
import type { WeightProfile } from '../profiles/weight-scale/physiology.ts';
import { createWeighingScale, type WeighingScale } from '../profiles/weight-scale/simulated-scale.ts';
import { GlucoseCurve } from './glucose-physiology.ts';
import { DAY_MS, LocalTime, MINUTE_MS } from './local-time.ts';
import type { MeasuringDeviceOptions } from './measuring-device.ts';
import type { PatientProfile } from './patient-profile.ts';
import { SeededNoise } from './seeded-noise.ts';
import type { SimulationClock } from './simulation-clock.ts';
import type { BatteryDrain, DeviceIdentity } from './standard-services.ts';
import type { VirtualDevice } from './virtual-device.ts';

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
  /**
   * Where the simulated timeline began (the demo's first start), for what is told relative
   * to it: a heart-failure patient is 3-5 days into fluid retention then. Default: the
   * episodes' days are drawn from the seed alone.
   */
  startedAtMs?: number;
  /** Devices that keep their measurements (a cuff, a scale) hold those of this many days before they were first heard. */
  historyDays?: number;
}

export interface HouseholdDevice {
  patientId: string;
  device: VirtualDevice;
  /** A glucose meter's memory, or a CGM's records: what the device can be asked for. */
  meterLog?: MeterLog;
  cgmRecords?: CgmRecords;
  /** A cuff or a scale, to take a measurement on it now (`measure`, `weigh`). */
  cuff?: BloodPressureCuff;
  scale?: WeighingScale;
}

const MANUFACTURER = 'Simulated Medical Devices';
/** Meters, CGM sessions and batteries count from this date, plus a few days drawn from the seed. */
const FLEET_EPOCH_MS = Date.UTC(2026, 0, 1);
/** A heart-failure patient's fluid retention recurs this often (an episode every six weeks). */
const FLUID_RETENTION_EVERY_DAYS = 42;

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
  cuff: { name: 'TensioCare BP6', model: 'TC-BP6', firmware: '2.2.0', rssi: -70, hoursPerPercent: 50 },
  scale: { name: 'StepWeigh S5', model: 'SW-S5', firmware: '1.3.4', rssi: -76, hoursPerPercent: 80 },
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
    const build = (spec: ModelSpec, role: string): MeasuringDeviceOptions => {
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
        ...(o.historyDays === undefined ? {} : { historyDays: o.historyDays }),
      };
    };
    const oximeter = (oxygen: OxygenProfile): HouseholdDevice => ({
      patientId,
      device: createPulseOximeter({ ...build(MODELS.oximeter, 'oximeter'), profile: oxygen }),
    });
    const cuff = (pressure: BloodPressureProfile): HouseholdDevice => {
      const device = createBloodPressureCuff({ ...build(MODELS.cuff, 'cuff'), profile: pressure });
      return { patientId, device, cuff: device };
    };
    if (profile === 'copd') return [oximeter(COPD_OXYGEN)];
    if (profile === 'hypertension') return [cuff(HYPERTENSIVE_PRESSURE)];
    if (profile === 'heart_failure') {
      const scale = createWeighingScale({
        ...build(MODELS.scale, 'scale'),
        profile: heartFailureWeight(noise, local, o.startedAtMs),
        heightM: Math.round(noise.between(1.55, 1.8, 'height') * 100) / 100,
      });
      return [{ patientId, device: scale, scale }, cuff(TREATED_HEART_FAILURE_PRESSURE)];
    }
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

/**
 * A heart-failure patient's weight: fluid retention every six weeks, the first episode from a
 * day the seed draws, or 3-5 days before the timeline began when it is given.
 */
function heartFailureWeight(noise: SeededNoise, local: LocalTime, startedAtMs?: number): WeightProfile {
  const firstDay =
    startedAtMs === undefined
      ? local.day(FLEET_EPOCH_MS) + noise.integer(0, FLUID_RETENTION_EVERY_DAYS - 1, 'fluid-retention')
      : local.day(startedAtMs) - noise.integer(3, 5, 'fluid-retention');
  return {
    baselineKg: Math.round(noise.between(62, 92, 'weight') * 10) / 10,
    scatterKg: 0.3,
    fluidRetention: {
      fromMs: local.instant(firstDay, 0),
      kgPerDay: 1,
      days: 5,
      everyDays: FLUID_RETENTION_EVERY_DAYS,
    },
  };
}

function wholeMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
