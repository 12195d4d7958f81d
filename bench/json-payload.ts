/** An MQTT payload as JSON, or undefined when it is not JSON (to be refused by a schema). */
export function jsonPayload(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}
