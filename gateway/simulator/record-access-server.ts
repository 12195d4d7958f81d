/**
 * The device side of the Record Access Control Point (0x2A52, write + indicate), for the
 * simulated glucose meter (filter: sequence number) and CGM (filter: time offset).
 *
 * A write is answered at the ATT level first (accepted, or refused with an application error
 * when the control point's indications are off, the records' notifications are off for a
 * report, or another procedure is running); the procedure then runs after the write handler
 * returned, as VirtualPeripheral requires: "report stored records" notifies each matching
 * record (the model sends its measurement, and context if any) and then indicates the
 * response code (success, or no records found); "report number of stored records" indicates
 * the count; "abort operation" stops a report between two records and indicates success.
 *
 * Refusals with a response code, per the Glucose Service / CGMS RACP procedures: an unknown
 * op code (or delete, which these devices do not implement) -> op code not supported; a
 * reserved operator, or the null operator where one is needed -> invalid operator; a defined
 * operator the device does not implement -> operator not supported; a filter type other than
 * 1 -> operand not supported; a missing, short, extra or empty-range operand -> invalid
 * operand.
 */
import { AttError } from '../ble/bluetooth-codes.ts';
import {
  AttErrorResponse,
  type VirtualCharacteristicDefinition,
  type VirtualPeripheral,
} from '../ble/virtual-peripheral.ts';
import type { GattDecodeError } from '../gatt/decode-result.ts';
import {
  decodeRacpRequest,
  encodeRecordAccessControlPoint,
  type RacpFilter,
  type RacpMessage,
  type RacpOperator,
  type RacpRequestOpCode,
  type RacpResponseCode,
  RECORD_ACCESS_CONTROL_POINT_UUID,
} from '../gatt/record-access-control-point.ts';

export interface StoredRecords {
  /** The filter values of the stored records, ascending (sequence numbers, or CGM time offsets). */
  keys(): readonly number[];
  /** Notifies the record with this key (measurement, then context if any); false once the link is gone. */
  send(key: number): boolean;
}

/** The ATT application errors a service answers a refused control point write with. */
export interface RecordAccessErrors {
  procedureAlreadyInProgress: number;
  cccdImproperlyConfigured: number;
}

/** Glucose Service 1.0, application error codes: 0x80 procedure already in progress, 0x81 CCCD improperly configured. */
export const GLUCOSE_RACP_ERRORS: RecordAccessErrors = {
  procedureAlreadyInProgress: 0x80,
  cccdImproperlyConfigured: 0x81,
};

/**
 * CGMS gives 0x80 and 0x81 to missing and invalid E2E-CRC, so its control points answer with
 * the common profile error codes (Core Specification Supplement Part B 1.2): 0xFE, 0xFD.
 */
export const CGM_RACP_ERRORS: RecordAccessErrors = {
  procedureAlreadyInProgress: AttError.procedureAlreadyInProgress,
  cccdImproperlyConfigured: AttError.cccdImproperlyConfigured,
};

export interface RecordAccessOptions {
  serviceUuid: string;
  /** The characteristic the records are notified on; a report needs it subscribed. */
  measurementUuid: string;
  records: StoredRecords;
  /** Operators implemented for "report stored records" and "report number of stored records". */
  operators: readonly RacpOperator[];
  errors: RecordAccessErrors;
}

interface Procedure {
  aborted: boolean;
}

type Answer = { opCode: RacpRequestOpCode | number; responseCode: RacpResponseCode };

function refusalOf(error: GattDecodeError): RacpResponseCode {
  if (error.field === 'op code') return 'op_code_not_supported';
  if (error.field === 'operator') return 'invalid_operator';
  if (error.field === 'filter type' && error.problem === 'invalid') return 'operand_not_supported';
  return 'invalid_operand';
}

function matches(key: number, operator: RacpOperator, filter: RacpFilter | undefined): boolean {
  const min = filter?.min ?? Number.NEGATIVE_INFINITY;
  const max = filter?.max ?? Number.POSITIVE_INFINITY;
  return operator === 'all_records' || (key >= min && key <= max);
}

function selected(keys: readonly number[], operator: RacpOperator, filter: RacpFilter | undefined): number[] {
  if (operator === 'first_record') return keys.slice(0, 1);
  if (operator === 'last_record') return keys.slice(-1);
  return keys.filter((key) => matches(key, operator, filter));
}

export class RecordAccessServer {
  #peripheral: VirtualPeripheral | undefined;
  #procedure: Procedure | undefined;

  constructor(private readonly o: RecordAccessOptions) {}

  /** The control point, for the service definition (encrypted: the profiles require a bonded link). */
  characteristic(): VirtualCharacteristicDefinition {
    return {
      uuid: RECORD_ACCESS_CONTROL_POINT_UUID,
      properties: ['write', 'indicate'],
      encrypted: true,
      onWrite: (value) => this.#onWrite(value),
    };
  }

  /** Binds the server to its peripheral, once that exists. */
  attach(peripheral: VirtualPeripheral): void {
    this.#peripheral = peripheral;
    peripheral.on('disconnected', () => {
      if (this.#procedure) this.#procedure.aborted = true;
    });
  }

  /** A procedure is running. */
  get busy(): boolean {
    return this.#procedure !== undefined;
  }

  #onWrite(value: Buffer): AttErrorResponse | undefined {
    const peripheral = this.#peripheral;
    const { serviceUuid, errors } = this.o;
    if (!peripheral?.isSubscribed(serviceUuid, RECORD_ACCESS_CONTROL_POINT_UUID)) {
      return new AttErrorResponse(errors.cccdImproperlyConfigured);
    }
    const request = decodeRacpRequest(value);
    const abort = request.ok && request.value.opCode === 'abort_operation';
    if (this.#procedure && !abort) return new AttErrorResponse(errors.procedureAlreadyInProgress);
    if (!request.ok) return this.#answer({ opCode: value[0] ?? 0, responseCode: refusalOf(request.error) });
    const { opCode, operator, filter } = request.value;
    if (opCode === 'abort_operation') {
      if (operator !== 'null') return this.#answer({ opCode, responseCode: 'invalid_operator' });
      if (this.#procedure) {
        this.#procedure.aborted = true; // the report stops and answers the abort
        return undefined;
      }
      return this.#answer({ opCode, responseCode: 'success' });
    }
    if (opCode === 'delete_stored_records')
      return this.#answer({ opCode, responseCode: 'op_code_not_supported' });
    if (operator === 'null') return this.#answer({ opCode, responseCode: 'invalid_operator' });
    if (!this.o.operators.includes(operator)) {
      return this.#answer({ opCode, responseCode: 'operator_not_supported' });
    }
    if (opCode === 'report_stored_records' && !peripheral.isSubscribed(serviceUuid, this.o.measurementUuid)) {
      return new AttErrorResponse(errors.cccdImproperlyConfigured);
    }
    const keys = selected(this.o.records.keys(), operator, filter);
    if (opCode === 'report_number_of_stored_records') {
      this.#begin(() =>
        this.#indicate({ opCode: 'number_of_stored_records_response', numberOfRecords: keys.length }),
      );
      return undefined;
    }
    if (keys.length === 0) return this.#answer({ opCode, responseCode: 'no_records_found' });
    this.#begin((procedure) => this.#report(keys, procedure));
    return undefined;
  }

  async #report(keys: readonly number[], procedure: Procedure): Promise<void> {
    for (const key of keys) {
      if (procedure.aborted) break;
      if (!this.o.records.send(key)) return; // the link went: nobody to answer
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.#respond({
      opCode: procedure.aborted ? 'abort_operation' : 'report_stored_records',
      responseCode: 'success',
    });
  }

  /** Accepts the write and indicates a response code once the handler has returned. */
  #answer(answer: Answer): undefined {
    this.#begin(() => this.#respond(answer));
    return undefined;
  }

  #respond(answer: Answer): Promise<boolean> {
    return this.#indicate({
      opCode: 'response_code',
      requestOpCode: answer.opCode,
      responseCode: answer.responseCode,
    });
  }

  #begin(run: (procedure: Procedure) => Promise<unknown>): void {
    const procedure: Procedure = { aborted: false };
    this.#procedure = procedure;
    setImmediate(() => {
      void run(procedure).finally(() => {
        if (this.#procedure === procedure) this.#procedure = undefined;
      });
    });
  }

  #indicate(message: RacpMessage): Promise<boolean> {
    const peripheral = this.#peripheral;
    if (!peripheral?.connected) return Promise.resolve(false);
    return peripheral.indicate(
      this.o.serviceUuid,
      RECORD_ACCESS_CONTROL_POINT_UUID,
      encodeRecordAccessControlPoint(message),
    );
  }
}
