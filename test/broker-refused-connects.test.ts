/**
 * A flood of refused connects from one address: after 30 a minute the broker refuses the
 * address before looking anything up, and says why (server unavailable, not bad
 * credentials). Its own server, since the refusal covers every client of that address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server/start-server.ts';
import { connectGateway, startTestServer, uniqueDatabase } from './helpers.ts';

describe('refused connects from one address', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(uniqueDatabase('refused_connects'));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('are refused without a lookup once an address has failed 30 times in a minute', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 35; i++) {
      const error = await connectGateway(server.mqttPort, `intruder-${i}`, 'guess').then(
        async (client) => {
          await client.endAsync();
          return 'connected';
        },
        (err: Error) => err.message,
      );
      answers.push(error);
    }
    expect(answers.slice(0, 30).every((a) => /Bad username or password/.test(a))).toBe(true);
    expect(answers.slice(30).every((a) => /Server unavailable/.test(a))).toBe(true);
  });
});
