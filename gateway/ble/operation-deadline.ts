/**
 * noble's callbacks have no error path for GATT operations: a refused write, a subscription
 * without answer, or any request on a link that dropped simply never calls back. Every
 * operation the central starts is therefore bounded by a timeout and by its connection's end.
 */
import { BleDeviceError, type BleErrorContext } from './ble-errors.ts';

/** Settles as `work` does, unless `timeoutMs` passes or `connection` aborts first. */
export function withinDeadline<T>(
  work: Promise<T>,
  context: BleErrorContext,
  timeoutMs: number,
  connection?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const disconnected = () =>
      new BleDeviceError(context, 'disconnected', 'failed: the connection ended', {
        cause: connection?.reason,
      });
    if (connection?.aborted) return reject(disconnected());
    const onAbort = () => settle(() => reject(disconnected()));
    const timer = setTimeout(
      () => settle(() => reject(new BleDeviceError(context, 'timeout', `timed out after ${timeoutMs} ms`))),
      timeoutMs,
    );
    connection?.addEventListener('abort', onAbort, { once: true });
    function settle(finish: () => void): void {
      clearTimeout(timer);
      connection?.removeEventListener('abort', onAbort);
      finish();
    }
    work.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
