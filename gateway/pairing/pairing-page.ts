/**
 * The gateway's local pairing page (fastify, RPM_HTTP_HOST/RPM_HTTP_PORT), for a phone on
 * the home network: nearby health devices with their signal, pairing one to a patient of this
 * gateway, unpairing, and for each paired device its connection, battery, last reading and
 * last-seen times. The API is in pairing-page-api.ts; the page is plain HTML, CSS and a
 * small script (pairing-page-script.ts, bundled by esbuild at start-up), no framework.
 *
 * Protection (it is reachable by anything on the home network): changes need the pairing
 * PIN (pairing-pin.ts), sent in a custom header with a JSON body, which keeps other web
 * pages out without cookies or tokens; strict security headers (helmet: the page loads
 * only its own script and stylesheet, and cannot be framed).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Logger } from '../../common/log.ts';
import { registerPageSecurity } from '../../common/page-security.ts';
import type { BleCentral, DeviceLinkStatus, NearbyDevice } from '../ble/ble-central.ts';
import {
  NearbyQuery,
  NearbyResponse,
  type PairedDeviceView,
  PairingOverview,
  PairingResponse,
  PairRequest,
  PIN_HEADER,
} from './pairing-page-api.ts';
import { PinGuard } from './pairing-pin.ts';
import { type PairedDevice, PairingRefusedError, type PairingStore } from './pairing-store.ts';

export interface PairingPageOptions {
  gatewayId: string;
  /** The patients this gateway serves (RPM_PATIENT_IDS). */
  patientIds: readonly string[];
  /** RPM_PAIRING_PIN; without one, pairing and unpairing are refused. */
  pin: string | undefined;
  pairings: PairingStore;
  central: Pick<BleCentral, 'scan' | 'status'>;
  /** The broker connection and the readings waiting in the spool. */
  delivery: () => { connected: boolean; spooled: number };
  log: Logger;
  /** For the PIN lockout. */
  now?: () => number;
}

export class PageAssetError extends Error {
  constructor(
    readonly asset: string,
    cause: unknown,
  ) {
    super(
      `pairing page asset ${asset} cannot be built: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'PageAssetError';
  }
}

/** A request the page refuses, with the status and a message for the person holding the phone. */
class PageRefusal extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'PageRefusal';
  }
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function pageAssets(): Promise<{ html: string; css: string; script: string }> {
  const read = async (file: string) => {
    try {
      return await readFile(here(file), 'utf8');
    } catch (error) {
      throw new PageAssetError(file, error);
    }
  };
  let script: string;
  try {
    const result = await build({
      entryPoints: [here('./pairing-page-script.ts')],
      bundle: true,
      write: false,
      minify: true,
      format: 'iife',
      target: 'es2018',
      legalComments: 'none',
      logLevel: 'silent',
    });
    script = result.outputFiles[0]?.text ?? '';
  } catch (error) {
    throw new PageAssetError('pairing-page-script.ts', error);
  }
  return { html: await read('./pairing-page.html'), css: await read('./pairing-page.css'), script };
}

function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const send = (statusCode: number, message: string) =>
    reply
      .code(statusCode)
      .send({ statusCode, error: statusCode >= 500 ? 'Server Error' : 'Refused', message });
  if (hasZodFastifySchemaValidationErrors(error)) {
    return send(
      400,
      error.validation.map((v) => `${v.instancePath.slice(1) || 'request'}: ${v.message}`).join('; '),
    );
  }
  if (error instanceof PageRefusal) return send(error.statusCode, error.message);
  const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (statusCode >= 500) {
    request.log.error({ err: error.message }, 'pairing page request failed');
    return send(500, 'The gateway could not do this; it has been logged.');
  }
  return send(statusCode, error.message);
}

export async function createPairingPage(o: PairingPageOptions) {
  const assets = await pageAssets();
  const guard = new PinGuard(o.pin, { now: o.now });
  /** What the last scans heard, for pairing: a device must have been heard to be paired. */
  const heard = new Map<string, NearbyDevice>();

  const app = Fastify({
    loggerInstance: o.log.child({ component: 'pairing-page' }) as FastifyBaseLogger,
  }).withTypeProvider<ZodTypeProvider>();
  await registerPageSecurity(app);
  app.setErrorHandler(sendError);

  const requirePin = (request: FastifyRequest) => {
    const given = request.headers[PIN_HEADER];
    const check = guard.check(typeof given === 'string' ? given : undefined);
    if (!check.ok) {
      o.log.warn({ ip: request.ip, statusCode: check.statusCode }, 'pairing change refused: PIN');
      throw new PageRefusal(check.statusCode, check.message);
    }
  };

  const view = (device: PairedDevice, links: readonly DeviceLinkStatus[]): PairedDeviceView => {
    const link = links.find((l) => l.deviceId === device.deviceId);
    const state = o.pairings.state(device.deviceId);
    return {
      ...device,
      connected: link?.connected ?? false,
      rssi: link?.rssi ?? null,
      batteryPercent: state.batteryPercent,
      lastSeen: link?.lastSeen?.toISOString() ?? state.lastSeen,
      lastReadingAt: state.lastReadingAt,
      collected: o.patientIds.includes(device.patientId),
    };
  };

  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(assets.html));
  app.get('/pairing.css', (_request, reply) => reply.type('text/css; charset=utf-8').send(assets.css));
  app.get('/pairing.js', (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(assets.script),
  );

  app.get('/api/overview', { schema: { response: { 200: PairingOverview } } }, () => {
    const links = o.central.status();
    return {
      gatewayId: o.gatewayId,
      patientIds: [...o.patientIds],
      pairingEnabled: guard.enabled,
      broker: o.delivery(),
      devices: o.pairings.devices().map((d) => view(d, links)),
    };
  });

  app.get(
    '/api/nearby',
    { schema: { querystring: NearbyQuery, response: { 200: NearbyResponse } } },
    async (request) => {
      const nearby = await o.central.scan(request.query.seconds * 1000);
      const devices = [];
      for (const device of nearby) {
        if (device.kind === null) continue;
        heard.set(device.id, device);
        devices.push({
          deviceId: device.id,
          address: device.address,
          name: device.name,
          kind: device.kind,
          rssi: device.rssi,
          pairedTo: o.pairings.device(device.id)?.patientId ?? null,
        });
      }
      return { devices };
    },
  );

  app.post(
    '/api/pairings',
    { schema: { body: PairRequest, response: { 201: PairingResponse } } },
    async (request, reply) => {
      requirePin(request);
      const { deviceId, patientId } = request.body;
      const nearby = heard.get(deviceId);
      if (!nearby?.kind) {
        throw new PageRefusal(
          404,
          'That device was not heard nearby. Switch it on, keep it close, and look for devices again.',
        );
      }
      try {
        const device = await o.pairings.pair({
          deviceId,
          address: nearby.address,
          kind: nearby.kind,
          name: nearby.name?.slice(0, 64) ?? null,
          patientId,
        });
        return reply.code(201).send({ device: view(device, o.central.status()) });
      } catch (error) {
        throw refusalOf(error);
      }
    },
  );

  app.delete(
    '/api/pairings/:deviceId',
    { schema: { params: z.strictObject({ deviceId: z.string() }), response: { 200: PairingResponse } } },
    async (request) => {
      requirePin(request);
      try {
        const device = await o.pairings.unpair(request.params.deviceId);
        return { device: { ...view(device, []), connected: false } };
      } catch (error) {
        throw refusalOf(error);
      }
    },
  );

  return app;
}

function refusalOf(error: unknown): unknown {
  if (!(error instanceof PairingRefusedError)) return error;
  const status = { patient_not_served: 422, already_paired: 409, not_paired: 404 } as const;
  return new PageRefusal(status[error.reason], error.message);
}
