/**
 * Bytes of MQTT 3.1.1 packets on the wire (TCP/IP headers not included): PUBLISH is a fixed
 * header byte, the remaining length (1-4 bytes, 7 bits each), the topic (2-byte length +
 * UTF-8), a 2-byte packet id at QoS 1 and 2, and the payload; PUBACK is 4 bytes.
 */
export const PUBACK_BYTES = 4;

function remainingLengthBytes(length: number): number {
  let bytes = 1;
  for (let rest = length >> 7; rest > 0; rest >>= 7) bytes++;
  return bytes;
}

export function publishPacketBytes(topic: string, payloadBytes: number, qos: 0 | 1 | 2): number {
  const remaining = 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0) + payloadBytes;
  return 1 + remainingLengthBytes(remaining) + remaining;
}
