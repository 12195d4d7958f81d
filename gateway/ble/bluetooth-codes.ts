/**
 * Bluetooth protocol codes the transport layer speaks: ATT error codes (what a GATT server
 * answers a refused request with) and the HCI status codes that end or refuse a link.
 */

/**
 * ATT error codes: Core Specification v5.3 Vol 3 Part F 3.4.1.1; 0xFD-0xFF are the common
 * profile and service error codes (Core Specification Supplement Part B 1.2). Profiles define
 * their own application errors in 0x80-0x9F.
 */
export const AttError = {
  invalidHandle: 0x01,
  readNotPermitted: 0x02,
  writeNotPermitted: 0x03,
  invalidPdu: 0x04,
  insufficientAuthentication: 0x05,
  requestNotSupported: 0x06,
  invalidOffset: 0x07,
  insufficientAuthorization: 0x08,
  attributeNotFound: 0x0a,
  invalidAttributeValueLength: 0x0d,
  unlikelyError: 0x0e,
  insufficientEncryption: 0x0f,
  valueNotAllowed: 0x13,
  cccdImproperlyConfigured: 0xfd,
  procedureAlreadyInProgress: 0xfe,
  outOfRange: 0xff,
} as const;

/**
 * The errors on which noble's hci-socket GATT client pairs and re-sends the request instead of
 * reporting it (node_modules/@abandonware/noble/lib/hci-socket/gatt.js, onAclStreamData).
 */
export const PAIRING_TRIGGERS: ReadonlySet<number> = new Set([
  AttError.insufficientAuthentication,
  AttError.insufficientAuthorization,
  AttError.insufficientEncryption,
]);

/**
 * HCI status codes on connections (Core Specification v5.3 Vol 1 Part F), as noble reports them:
 * the `reason` of a peripheral's `disconnect` event, and in the message of a failed `connect`.
 */
export const HciStatus = {
  /** A connection attempt cancelled before it completed (LE Create Connection Cancel). */
  unknownConnectionIdentifier: 0x02,
  /** Supervision timeout: the device went out of range or lost power. */
  connectionTimeout: 0x08,
  /** The device ended the connection. */
  remoteUserTerminated: 0x13,
  /** The gateway ended the connection. */
  localHostTerminated: 0x16,
} as const;
