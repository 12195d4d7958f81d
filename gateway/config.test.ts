import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/config.ts';
import { loadGatewayConfig } from './config.ts';

const base = { RPM_GATEWAY_ID: 'gw-home-1', RPM_MQTT_URL: 'mqtt://clinic.example.org:1883' };

describe('gateway configuration', () => {
  it('reads the patient list, time zone, pairing PIN and simulated household from the environment', () => {
    const config = loadGatewayConfig({
      ...base,
      RPM_PATIENT_IDS: 'P-1001, P-1002',
      RPM_TIME_ZONE: 'Asia/Karachi',
      RPM_PAIRING_PIN: '004821',
      RPM_BLE_MODE: 'virtual',
      RPM_VIRTUAL_HOUSEHOLD: 'P-1001=diabetes, P-1002=heart',
      RPM_VIRTUAL_FROM: '2026-11-20T00:00:00.000Z',
      RPM_VIRTUAL_SPEED: '600',
    });
    expect(config).toMatchObject({
      patientIds: ['P-1001', 'P-1002'],
      timeZone: 'Asia/Karachi',
      pairing: { pin: '004821' },
      ble: { mode: 'virtual' },
      virtual: {
        household: [
          { patientId: 'P-1001', profile: 'diabetes' },
          { patientId: 'P-1002', profile: 'heart' },
        ],
        pairHousehold: true,
        from: '2026-11-20T00:00:00.000Z',
        speed: 600,
      },
    });
  });

  it('names every wrong setting: no patients, an unknown zone, a short PIN, an unknown condition', () => {
    try {
      loadGatewayConfig({
        ...base,
        RPM_PATIENT_IDS: ' , ',
        RPM_TIME_ZONE: 'Asia/Lahore',
        RPM_PAIRING_PIN: '1234',
        RPM_VIRTUAL_HOUSEHOLD: 'P-1=flu',
      });
      expect.unreachable('the configuration was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'RPM_PATIENT_IDS = " , ": expected at least one patient id',
        'RPM_TIME_ZONE = "Asia/Lahore": expected an IANA time zone such as Asia/Karachi',
        'RPM_PAIRING_PIN = "1234": expected 6 to 12 digits',
        `RPM_VIRTUAL_HOUSEHOLD = "P-1=flu": expected patient=condition pairs such as P-1001=diabetes (conditions: diabetes, copd, heart, hypertension, heart_failure); 'P-1=flu' is not one`,
      ]);
    }
  });
});
