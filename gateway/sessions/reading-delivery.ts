/**
 * The one way readings leave a device session: skipped values are logged (at info, with the
 * device and the reason), readings a fast device clock put in the future get one warning per
 * batch (the device, how far ahead it runs, which readings took their receipt time), the readings are appended to the spool, and only once they are
 * durable is anything else done with them (the device's last-reading time, a record position
 * by the caller). Every spooled reading id is logged at debug, so an operator (or a test) can
 * account for each one.
 */
import type { ReadingBatch } from '../readings/reading-batch.ts';
import type { SessionEnvironment } from './session-environment.ts';

/** Resolves once the batch's readings are in the spool; rejects when the spool refused them. */
export async function deliverReadings(
  env: SessionEnvironment,
  deviceId: string,
  batch: ReadingBatch,
  how: { stream?: boolean } = {},
): Promise<void> {
  for (const skipped of batch.skipped) {
    env.log.info({ deviceId, metric: skipped.metric, reason: skipped.reason }, 'value skipped');
  }
  if (batch.retimed.length > 0) {
    env.log.warn(
      {
        deviceId,
        deviceClockAheadMs: Math.max(...batch.retimed.map((r) => r.deviceClockAheadMs)),
        readingIds: batch.retimed.map((r) => r.readingId),
      },
      'device clock runs fast: readings timed in the future sent at the time they arrived, flagged time_estimated; set the device clock',
    );
  }
  if (batch.readings.length === 0) return;
  await env.spool.append(batch.readings, how);
  env.log.debug({ deviceId, readingIds: batch.readings.map((r) => r.id) }, 'readings spooled');
  env.pairings.noteReading(deviceId, env.now());
}

/** For values that arrive unasked (notifications): a spool failure is logged, the session goes on. */
export function deliverLiveReadings(
  env: SessionEnvironment,
  deviceId: string,
  batch: ReadingBatch,
  how: { stream?: boolean } = {},
): void {
  deliverReadings(env, deviceId, batch, how).catch((err: Error) =>
    env.log.error(
      { deviceId, err: err.message, readings: batch.readings.length },
      'readings lost: the spool refused them',
    ),
  );
}
