/**
 * What every web page of the project (the dashboard, the gateway's pairing page) sets up
 * the same way: zod validation of requests, a declared schema for every answer, and
 * security headers with a strict Content-Security-Policy: own assets only, no inline code
 * or styles, no framing, no resources for other sites. `upgrade-insecure-requests` is left out because clinics and
 * homes serve these pages over plain HTTP on their own network, where it would send the
 * page's own assets to https:// and the page would never load.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';

export type ZodFastify = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The routes that answer data (JSON, or an event stream of it), as opposed to the pages' files. */
const answersData = (url: string) => url.startsWith('/api/') || url === '/health';

/**
 * Refuses, when it is added, a data route that does not declare what it answers on success
 * (`schema.response` with a 2xx status): the schema is the contract the browser code's
 * types come from, and what the answer is checked and trimmed against.
 */
export function requireAnswerSchemas(app: ZodFastify): void {
  app.addHook('onRoute', (route) => {
    if (!answersData(route.url)) return;
    const statuses = Object.keys(route.schema?.response ?? {});
    if (!statuses.some((status) => /^2(\d\d|xx)$/.test(status))) {
      const method = [route.method].flat().join(',');
      throw new Error(`route ${method} ${route.url} declares no response schema for its success answer`);
    }
  });
}

export async function registerPageSecurity(app: ZodFastify): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  requireAnswerSchemas(app);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'style-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
