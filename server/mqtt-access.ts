/**
 * Who may publish and subscribe to what on the server's MQTT broker: pure decisions, so
 * they are tested with plain data and enforced by the embedded broker (and mirrored by the
 * ACL file exported for an external Mosquitto).
 */
import { CONTRACT_VERSION, type GatewayTopicKind, parseGatewayTopic, topics } from '../common/contract.ts';

export type MqttIdentity = { kind: 'gateway'; gatewayId: string } | { kind: 'subscriber' };

export type PublishDecision =
  | { allowed: true; target: { gatewayId: string; kind: Exclude<GatewayTopicKind, 'rejections'> } }
  | { allowed: false; why: string };

export function publishDecision(identity: MqttIdentity, topic: string): PublishDecision {
  if (identity.kind === 'subscriber') return { allowed: false, why: 'the subscriber account is read-only' };
  const target = parseGatewayTopic(topic);
  if (!target || target.kind === 'rejections') {
    return { allowed: false, why: 'gateways publish only rpm/v1/gw/{gatewayId}/readings or /status' };
  }
  if (target.gatewayId !== identity.gatewayId) {
    return {
      allowed: false,
      why: `gateway '${identity.gatewayId}' may not publish for gateway '${target.gatewayId}'`,
    };
  }
  return { allowed: true, target: { gatewayId: target.gatewayId, kind: target.kind } };
}

export function subscribeAllowed(identity: MqttIdentity, filter: string): boolean {
  if (identity.kind === 'subscriber') return filter.startsWith(`rpm/${CONTRACT_VERSION}/`);
  return filter === topics.rejections(identity.gatewayId);
}
