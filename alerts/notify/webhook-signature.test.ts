import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './webhook-signature.ts';

const secret = 'a-shared-secret-of-some-length';
const body = '{"type":"fired","alertId":"a1"}';

describe('webhook signatures', () => {
  it('is the HMAC-SHA256 of timestamp.body, as a receiver in any language computes it', () => {
    const expected = createHmac('sha256', secret).update(`1795507200.${body}`).digest('hex');
    expect(signWebhook(secret, 1795507200, body)).toBe(`sha256=${expected}`);
  });

  it('verifies its own signature and refuses a changed body, another secret or an old timestamp', () => {
    const signature = signWebhook(secret, 1000, body);
    expect(verifyWebhook(secret, { signature, timestamp: '1000' }, body, 1100)).toBe(true);
    expect(verifyWebhook(secret, { signature, timestamp: '1000' }, body.replace('a1', 'a2'), 1100)).toBe(
      false,
    );
    expect(verifyWebhook('another-secret-entirely', { signature, timestamp: '1000' }, body, 1100)).toBe(
      false,
    );
    expect(verifyWebhook(secret, { signature, timestamp: '1000' }, body, 1000 + 301)).toBe(false);
    expect(verifyWebhook(secret, { signature: undefined, timestamp: '1000' }, body, 1000)).toBe(false);
  });
});
