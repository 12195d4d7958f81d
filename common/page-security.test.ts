import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerPageSecurity } from './page-security.ts';

const page = async () => {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  await registerPageSecurity(app);
  return app;
};

describe('answer schemas', () => {
  it('refuses a data route that declares no success answer, naming it', async () => {
    const app = await page();
    expect(() => app.get('/api/things', async () => ({ things: [] }))).toThrow(
      'route GET /api/things declares no response schema for its success answer',
    );
    await app.close();
  });

  it('answers only what the schema names: a field it does not name is not sent', async () => {
    const app = await page();
    app.get('/api/thing', { schema: { response: { 200: z.object({ id: z.string() }) } } }, async () => {
      const secret = { id: 'a', passwordHash: 'x' };
      return secret;
    });
    app.get('/page.css', async () => 'body {}');
    const res = await app.inject('/api/thing');
    expect(res.json()).toEqual({ id: 'a' });
    expect((await app.inject('/page.css')).statusCode).toBe(200);
    await app.close();
  });
});
