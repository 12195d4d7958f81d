/**
 * A device profile: what one kind of health device is to the gateway, as data. Its kind
 * (named and labelled in common/device-kinds.ts), the GATT service that makes a peripheral
 * that kind, the characteristics of that service the gateway decodes, and its session: a
 * streaming session built from its characteristics, decoders and reading mappers
 * (sessions/streaming-session.ts), or a record-transfer session for devices whose memory is
 * fetched through a Record Access Control Point. The registry (registry.ts) lists them;
 * scanning, pairing, the central, the status and the characteristic table derive from it.
 */
import type { DeviceKind } from '../../common/device-kinds.ts';
import type { DeviceSession } from '../ble/ble-central.ts';
import type { Characteristic } from '../gatt/characteristic.ts';
import type { SessionEnvironment } from '../sessions/session-environment.ts';
import { type StreamingSessionSpec, streamingSession } from '../sessions/streaming-session.ts';

export interface DeviceProfile {
  kind: DeviceKind;
  /** The health service (16-bit, as noble spells it) whose advertisement makes a peripheral this kind. */
  service: string;
  /**
   * Every characteristic of the service the gateway can decode, including those the session
   * does not use (an intermediate value); the characteristic table is built from these.
   */
  characteristics: readonly Characteristic[];
  /** What the gateway does with the device on every connection. */
  session: (env: SessionEnvironment) => DeviceSession;
}

/**
 * A device that sends its measurements unasked: its profile from its kind, its
 * characteristics and its streaming session.
 */
export function streamingProfile<C>(
  kind: DeviceKind,
  { characteristics, ...spec }: StreamingSessionSpec<C> & Pick<DeviceProfile, 'characteristics'>,
): DeviceProfile {
  return { kind, service: spec.service, characteristics, session: streamingSession(spec) };
}
