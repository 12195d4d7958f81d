/**
 * Who may publish and subscribe to what on the server's MQTT broker: pure decisions, so
 * they are tested with plain data and enforced by the embedded broker (and mirrored by the
 * ACL file exported for an external Mosquitto).
 */
import { type GatewayTopicKind, parseAlertsTopic, parseGatewayTopic, topics } from '../common/contract.ts';

export type MqttIdentity = { kind: 'gateway'; gatewayId: string } | { kind: 'subscriber' };

export type PublishDecision =
  | { allowed: true; target: { gatewayId: string; kind: Exclude<GatewayTopicKind, 'rejections'> } }
  | { allowed: false; why: string };

export function publishDecision(identity: MqttIdentity, topic: string): PublishDecision {
  if (identity.kind === 'subscriber') return { allowed: false, why: 'the subscriber account is read-only' };
  const target = parseGatewayTopic(topic);
  if (!target || target.kind === 'rejections') {
    return {
      allowed: false,
      why: 'gateways publish only rpm/v1/gw/{gatewayId}/readings, /series or /status',
    };
  }
  if (target.gatewayId !== identity.gatewayId) {
    return {
      allowed: false,
      why: `gateway '${identity.gatewayId}' may not publish for gateway '${target.gatewayId}'`,
    };
  }
  return { allowed: true, target: { gatewayId: target.gatewayId, kind: target.kind } };
}

/**
 * The read-only subscriber (an integration) sees alert events and gateway status, all or
 * one patient's / gateway's at a time; never readings or rejections, which carry every
 * patient's measurements.
 */
function subscriberMaySee(filter: string): boolean {
  if (filter === topics.allAlerts || filter === topics.alerts('#') || filter === topics.allStatus)
    return true;
  return parseAlertsTopic(filter) !== undefined || parseGatewayTopic(filter)?.kind === 'status';
}

export function subscribeAllowed(identity: MqttIdentity, filter: string): boolean {
  if (identity.kind === 'subscriber') return subscriberMaySee(filter);
  return filter === topics.rejections(identity.gatewayId);
}
