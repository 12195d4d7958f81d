/** Context the CGM decoders need: whether CGM Feature (0x2AA8) announces E2E-CRC support. */
export interface CgmDecodeOptions {
  /** True when the sensor's CGM Feature has the 'e2e_crc' bit: every CGM value then ends with an E2E-CRC. */
  e2eCrc: boolean;
}
