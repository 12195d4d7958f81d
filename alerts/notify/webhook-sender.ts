/**
 * Sends one alert event to the configured webhook as signed JSON. A 2xx answer is success;
 * 408, 429, 5xx and network errors are worth retrying; other 4xx mean the receiver refuses
 * this request as it is, and retrying would not change that.
 */
import { DeliveryError } from './delivery-error.ts';
import { signWebhook } from './webhook-signature.ts';

export interface WebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

export async function sendWebhook(
  settings: WebhookSettings,
  body: string,
  deliveryId: string,
  nowMs: number,
): Promise<void> {
  const timestamp = Math.floor(nowMs / 1000);
  let res: Response;
  try {
    res = await fetch(settings.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-rpm-delivery': deliveryId,
        'x-rpm-timestamp': String(timestamp),
        'x-rpm-signature': signWebhook(settings.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError('webhook', true, `${settings.url}: ${(err as Error).message}`);
  }
  await res.body?.cancel();
  if (res.ok) return;
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new DeliveryError('webhook', retryable, `${settings.url} answered ${res.status}`);
}
