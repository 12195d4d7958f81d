/**
 * The dashboard's web UI: one HTML shell for every page address (the page itself asks
 * /api/session and shows the login form when needed, so the shell needs no login), and
 * the assets, built once at start-up in memory: ui/main.ts bundled by esbuild, ui/app.css
 * minified, and uPlot's stylesheet.
 *
 * Assets are addressed with their content hash (`/assets/app.js?v=...`) from the shell,
 * so browsers keep them for a year and fetch again only after an upgrade; the shell itself
 * is revalidated on every load. Each asset is also held gzip- and brotli-compressed, which
 * matters on a clinic's slow line.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Addresses the page answers itself (ui/routes.ts: keep the two in step). */
export const UI_PAGES = [
  '/',
  '/login',
  '/ward',
  '/alerts',
  '/inbox',
  '/admin',
  '/admin/:section',
  '/patients/:patientId',
] as const;

export class UiBuildError extends Error {
  constructor(
    readonly entry: string,
    cause: unknown,
  ) {
    super(
      `cannot build the dashboard UI from ${entry}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'UiBuildError';
  }
}

interface Asset {
  contentType: string;
  identity: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  hash: string;
}

function asset(contentType: string, body: Buffer | string): Asset {
  const identity = Buffer.from(body);
  return {
    contentType,
    identity,
    gzip: gzipSync(identity, { level: 9 }),
    brotli: brotliCompressSync(identity),
    hash: createHash('sha256').update(identity).digest('base64url').slice(0, 16),
  };
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function bundle(entry: string, loader: 'ts' | 'css'): Promise<string> {
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      minify: true,
      target: 'es2020',
      ...(loader === 'ts' && { format: 'esm' as const }),
      legalComments: 'none',
      logLevel: 'silent',
    });
    const [output] = result.outputFiles;
    if (!output) throw new Error('esbuild produced no output');
    return output.text;
  } catch (err) {
    throw new UiBuildError(entry, err);
  }
}

/** Builds every asset and the shell that points at them. */
export async function buildUi(): Promise<{ assets: Map<string, Asset>; shell: Asset }> {
  const [js, css, uplotCss, html] = await Promise.all([
    bundle(here('./ui/main.ts'), 'ts'),
    bundle(here('./ui/app.css'), 'css'),
    readFile(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css')),
    readFile(here('./ui/index.html'), 'utf8'),
  ]);
  const assets = new Map<string, Asset>([
    ['/assets/app.js', asset('text/javascript; charset=utf-8', js)],
    ['/assets/app.css', asset('text/css; charset=utf-8', css)],
    ['/assets/uplot.css', asset('text/css; charset=utf-8', uplotCss)],
  ]);
  let page = html;
  for (const [path, a] of assets) page = page.replace(`"${path}"`, `"${path}?v=${a.hash}"`);
  return { assets, shell: asset('text/html; charset=utf-8', page) };
}

function send(request: FastifyRequest, reply: FastifyReply, a: Asset, cacheControl: string) {
  const etag = `"${a.hash}"`;
  reply.header('cache-control', cacheControl).header('etag', etag).header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  reply.type(a.contentType);
  if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(a.brotli);
  if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(a.gzip);
  return reply.send(a.identity);
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** The page's assets are the same for every server this process starts: built once. */
let built: ReturnType<typeof buildUi> | undefined;

export const uiRoutes: FastifyPluginAsync = async (app) => {
  built ??= buildUi();
  const { assets, shell } = await built;
  for (const [path, a] of assets) {
    // Kept for a year only at the address the shell gives (with this content's hash).
    app.get(path, async (request, reply) => {
      const version = (request.query as { v?: unknown } | undefined)?.v;
      return send(request, reply, a, version === a.hash ? IMMUTABLE : REVALIDATE);
    });
  }
  for (const path of UI_PAGES) {
    app.get(path, async (request, reply) => send(request, reply, shell, REVALIDATE));
  }
};
