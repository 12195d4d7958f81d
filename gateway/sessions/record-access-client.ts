/**
 * The gateway's side of the Record Access Control Point (0x2A52) of a glucose meter or CGM:
 * indications on, one "report stored records" (or "report number of stored records") request
 * written at a time, and its answer awaited. The records themselves arrive as notifications on the service's measurement
 * characteristic(s), which the session subscribes to before, and reports with `heard()`:
 * a transfer ends in error only after `silenceMs` without any news from the device (a
 * long history can take a while), and is then aborted on the device.
 */
import type { ConnectedDevice } from '../ble/connected-device.ts';
import {
  decodeRacpResponse,
  encodeRecordAccessControlPoint,
  RACP_OP_CODES,
  type RacpRequest,
  type RacpResponse,
  type RacpResponseCode,
  RECORD_ACCESS_CONTROL_POINT_UUID,
  racpRequests,
} from '../gatt/record-access-control-point.ts';
import { decodedValue } from './characteristic-value.ts';
import type { SessionEnvironment } from './session-environment.ts';

export type TransferOutcome = 'success' | 'no_records_found';

export class RecordTransferError extends Error {
  constructor(
    readonly deviceId: string,
    readonly problem: RacpResponseCode | 'silent' | 'disconnected' | 'unexpected_answer',
    detail: string,
  ) {
    super(`device ${deviceId}: record transfer ${detail}`);
    this.name = 'RecordTransferError';
  }
}

const DEFAULT_SILENCE_MS = 30_000;

export class RecordAccessClient {
  #waiting: ((response: RacpResponse) => void) | undefined;
  #lastNews = 0;

  private constructor(
    private readonly device: ConnectedDevice,
    private readonly serviceUuid: string,
    private readonly env: SessionEnvironment,
  ) {}

  /** Subscribes to the control point's indications (after the records' notifications). */
  static async open(
    device: ConnectedDevice,
    serviceUuid: string,
    env: SessionEnvironment,
  ): Promise<RecordAccessClient> {
    const client = new RecordAccessClient(device, serviceUuid, env);
    await device.subscribe(serviceUuid, RECORD_ACCESS_CONTROL_POINT_UUID, (bytes) => {
      const response = decodedValue(
        env.log,
        device.id,
        RECORD_ACCESS_CONTROL_POINT_UUID,
        bytes,
        decodeRacpResponse(bytes),
      );
      client.heard();
      if (response) client.#waiting?.(response);
    });
    return client;
  }

  /** A record arrived: the transfer is alive. */
  heard(): void {
    this.#lastNews = this.env.now().getTime();
  }

  /** Runs one report procedure; resolves with its outcome once the device indicated it. */
  async report(request: RacpRequest): Promise<TransferOutcome> {
    const answer = await this.#run(request);
    if (answer.opCode === 'response_code') {
      const code = answer.responseCode;
      if (code === 'success' || code === 'no_records_found') return code;
    }
    throw this.#refusal(request, answer);
  }

  /** Runs one "report number of stored records" procedure; resolves with the number. */
  async count(request: RacpRequest): Promise<number> {
    const answer = await this.#run(request);
    if (answer.opCode === 'number_of_stored_records_response') return answer.numberOfRecords;
    throw this.#refusal(request, answer);
  }

  #refusal(request: RacpRequest, answer: RacpResponse): RecordTransferError {
    const what = `op code ${RACP_OP_CODES[request.opCode]} (${request.operator})`;
    return answer.opCode === 'response_code'
      ? new RecordTransferError(
          this.device.id,
          answer.responseCode,
          `refused: the device answered ${answer.responseCode} to ${what}`,
        )
      : new RecordTransferError(
          this.device.id,
          'unexpected_answer',
          `refused: the device answered ${what} with a number of records`,
        );
  }

  /** Writes the request and resolves with the device's answer to it. */
  async #run(request: RacpRequest): Promise<RacpResponse> {
    const { device } = this;
    const response = this.#response(request.opCode);
    // The link may end while the write is still under way: the answer then rejects before
    // it is awaited below, which must not count as an unhandled rejection (it would crash
    // the gateway); the write's own error is what this call throws then.
    response.answer.catch(() => {});
    this.heard();
    try {
      const bytes = encodeRecordAccessControlPoint(request);
      await device.write(this.serviceUuid, RECORD_ACCESS_CONTROL_POINT_UUID, bytes, true);
    } catch (error) {
      response.cancel();
      throw error;
    }
    try {
      return await response.answer;
    } catch (error) {
      if (error instanceof RecordTransferError && error.problem === 'silent') this.#abort();
      throw error;
    }
  }

  /**
   * The answer to the request with `opCode`: its response code, or for "report number of stored
   * records" the number; rejects when the link ends or the device falls silent.
   */
  #response(opCode: RacpRequest['opCode']): { answer: Promise<RacpResponse>; cancel: () => void } {
    const { device, env } = this;
    const silenceMs = env.transferSilenceMs ?? DEFAULT_SILENCE_MS;
    let cancel: () => void = () => {};
    const answer = new Promise<RacpResponse>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearInterval(timer);
        device.signal.removeEventListener('abort', onAbort);
        this.#waiting = undefined;
        settle();
      };
      const onAbort = () =>
        finish(() =>
          reject(new RecordTransferError(device.id, 'disconnected', 'cut off: the connection ended')),
        );
      const timer = setInterval(
        () => {
          if (env.now().getTime() - this.#lastNews < silenceMs) return;
          finish(() =>
            reject(new RecordTransferError(device.id, 'silent', `abandoned: no news for ${silenceMs} ms`)),
          );
        },
        Math.min(1_000, silenceMs / 4),
      );
      device.signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting = (response) => {
        const answers =
          response.opCode === 'response_code'
            ? response.requestOpCode === opCode
            : opCode === 'report_number_of_stored_records';
        if (answers) finish(() => resolve(response));
      };
      cancel = () =>
        finish(() =>
          resolve({
            opCode: 'response_code',
            requestOpCode: opCode,
            responseCode: 'procedure_not_completed',
          }),
        );
    });
    return { answer, cancel };
  }

  /** Best effort: the device stops streaming; its answer is not awaited. */
  #abort(): void {
    const abort = encodeRecordAccessControlPoint(racpRequests.abortOperation());
    this.device
      .write(this.serviceUuid, RECORD_ACCESS_CONTROL_POINT_UUID, abort, true)
      .catch((err: Error) =>
        this.env.log.debug({ deviceId: this.device.id, err: err.message }, 'abort not confirmed'),
      );
  }
}
