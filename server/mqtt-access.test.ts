import { describe, expect, it } from 'vitest';
import { type MqttIdentity, publishDecision, subscribeAllowed } from './mqtt-access.ts';

const gw1: MqttIdentity = { kind: 'gateway', gatewayId: 'GW1' };
const subscriber: MqttIdentity = { kind: 'subscriber' };

describe('MQTT access', () => {
  it.each([
    [gw1, 'rpm/v1/gw/GW1/readings', true],
    [gw1, 'rpm/v1/gw/GW1/status', true],
    [gw1, 'rpm/v1/gw/GW2/readings', false],
    [gw1, 'rpm/v1/gw/GW1/rejections', false],
    [gw1, 'rpm/v1/alerts/P1', false],
    [gw1, 'anything/else', false],
    [subscriber, 'rpm/v1/gw/GW1/readings', false],
  ] as const)('%o publishing to %s: allowed=%s', (identity, topic, allowed) => {
    expect(publishDecision(identity, topic).allowed).toBe(allowed);
  });

  it('says why a gateway may not publish for another gateway', () => {
    expect(publishDecision(gw1, 'rpm/v1/gw/GW2/readings')).toEqual({
      allowed: false,
      why: "gateway 'GW1' may not publish for gateway 'GW2'",
    });
  });

  it.each([
    [gw1, 'rpm/v1/gw/GW1/rejections', true],
    [gw1, 'rpm/v1/gw/GW2/rejections', false],
    [gw1, 'rpm/v1/gw/+/rejections', false],
    [gw1, 'rpm/v1/alerts/#', false],
    [gw1, '#', false],
    [subscriber, 'rpm/v1/alerts/#', true],
    [subscriber, 'rpm/v1/alerts/+', true],
    [subscriber, 'rpm/v1/alerts/P1', true],
    [subscriber, 'rpm/v1/gw/+/status', true],
    [subscriber, 'rpm/v1/gw/GW1/status', true],
    [subscriber, 'rpm/v1/gw/+/readings', false],
    [subscriber, 'rpm/v1/gw/GW1/readings', false],
    [subscriber, 'rpm/v1/gw/+/rejections', false],
    [subscriber, 'rpm/v1/gw/GW1/+', false],
    [subscriber, 'rpm/v1/gw/#', false],
    [subscriber, 'rpm/v1/#', false],
    [subscriber, 'rpm/v1/+/+/status', false],
    [subscriber, '#', false],
    [subscriber, '$SYS/#', false],
  ] as const)('%o subscribing to %s: allowed=%s', (identity, filter, allowed) => {
    expect(subscribeAllowed(identity, filter)).toBe(allowed);
  });
});
