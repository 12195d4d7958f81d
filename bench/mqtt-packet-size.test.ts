import { describe, expect, it } from 'vitest';
import { publishPacketBytes } from './mqtt-packet-size.ts';

describe('MQTT PUBLISH packet size', () => {
  it('adds header, topic and packet id to the payload', () => {
    // 1 header + 1 length + (2 + 3 topic + 2 id + 3 payload)
    expect(publishPacketBytes('a/b', 3, 1)).toBe(12);
    expect(publishPacketBytes('a/b', 3, 0)).toBe(10);
  });

  it('needs a second length byte from 128 bytes of remaining length', () => {
    expect(publishPacketBytes('a/b', 120, 1)).toBe(1 + 1 + 127);
    expect(publishPacketBytes('a/b', 121, 1)).toBe(1 + 2 + 128);
    expect(publishPacketBytes('rpm/v1/gw/gw-000001/readings', 16_377, 1)).toBe(1 + 3 + 16_409);
  });
});
