/**
 * The E2E-CRC of the Continuous Glucose Monitoring Service (CGM Measurement, Feature,
 * Session Start Time, Session Run Time, ...).
 *
 * Parameters: the Bluetooth SIG characteristic definition of CGM Measurement
 * (org.bluetooth.characteristic.cgm_measurement, E2E-CRC field) specifies "a CRC-CCITT
 * generator polynomial g(D)=D16+D12+D5+1 (i.e. 210041 in octal representation) with a
 * seed of 0xFFFF", calculated over all fields except the E2E-CRC itself, sent
 * little-endian. The bits are processed least significant first (reflected), which is
 * the catalogued CRC-16/MCRF4XX: width 16, poly 0x1021, init 0xFFFF, refin/refout true,
 * xorout 0x0000, check value 0x6F91 for "123456789". Implementations that interoperate
 * with CGM sensors agree: Nordic's Android BLE library checks CGM records with
 * CRC16.MCRF4XX, and Cypress' CGMS example uses the reversed polynomial 0x8408 with seed
 * 0xFFFF. Nordic's nRF Toolbox tests give the record vectors used in e2e-crc.test.ts.
 */
import type { ByteReader } from './byte-reader.ts';
import { hex } from './named-values.ts';

const POLYNOMIAL_REFLECTED = 0x8408;

export function e2eCrc(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL_REFLECTED : crc >>> 1;
  }
  return crc;
}

/** `bytes` followed by their E2E-CRC, little-endian. */
export function appendE2eCrc(bytes: Uint8Array): Uint8Array {
  const crc = e2eCrc(bytes);
  return Uint8Array.from([...bytes, crc & 0xff, crc >>> 8]);
}

/**
 * Verifies the E2E-CRC at the end of the reader's window over the bytes before it, and
 * removes it from the window so the fields can be read up to it.
 */
export function checkE2eCrc(reader: ByteReader): void {
  const crcReader = reader.trailer(2, 'E2E-CRC');
  const crcOffset = crcReader.offset;
  const stated = crcReader.uint16('E2E-CRC');
  const computed = e2eCrc(reader.windowBytes());
  if (stated !== computed) {
    reader.fail('crc', 'E2E-CRC', crcOffset, `value says ${hex(stated, 4)}, computed ${hex(computed, 4)}`);
  }
}
