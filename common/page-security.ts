/**
 * What every web page of the project (the dashboard, the gateway's pairing page) sets up
 * the same way: zod validation of requests, and security headers with a strict
 * Content-Security-Policy: own assets only, no inline code or styles, no framing, no
 * resources for other sites. `upgrade-insecure-requests` is left out because clinics and
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

export async function registerPageSecurity(app: ZodFastify): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
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
