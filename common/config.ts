/**
 * Configuration loading shared by the server and the gateway. A configuration is a zod
 * object schema; every leaf can be set by an environment variable whose name is
 * derived from its path (`influx.url` -> `RPM_INFLUX_URL`) or in a JSON file named by
 * `RPM_CONFIG`. Environment variables win over the file. A wrong or missing setting
 * stops start-up with a ConfigError naming the variable, the value and what is expected.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const ENV_PREFIX = 'RPM_';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `influx.retentionPolicy` -> `RPM_INFLUX_RETENTION_POLICY` */
export function envNameFor(path: readonly string[]): string {
  return ENV_PREFIX + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

// Leaf types that read naturally from environment strings.
export const port = () =>
  z.coerce
    .number({ message: 'expected a TCP port number (0-65535)' })
    .int('expected a TCP port number (0-65535)')
    .min(0, 'expected a TCP port number (0-65535)')
    .max(65535, 'expected a TCP port number (0-65535)');
export const positiveInt = (what = 'a positive whole number') =>
  z.coerce
    .number({ message: `expected ${what}` })
    .int(`expected ${what}`)
    .positive(`expected ${what}`);
export const flag = () =>
  z.union([z.boolean(), z.stringbool({ error: 'expected true or false' })], {
    error: 'expected true or false',
  });
export const httpUrl = (what = 'an http:// or https:// URL') =>
  z.url({ protocol: /^https?$/, error: `expected ${what}` });

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodPipe) {
    s = s instanceof z.ZodPipe ? (s.def.in as z.ZodType) : (s.def.innerType as z.ZodType);
  }
  return s;
}

/** Every leaf path of an object schema, for mapping environment variables. */
export function leafPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [prefix];
  return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
    leafPaths(child, [...prefix, key]),
  );
}

/** The object that holds `path`'s leaf, created on the way (so a missing section reports its leaves). */
function parentOf(target: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  return node;
}

function getPath(source: unknown, path: readonly (string | number | symbol)[]): unknown {
  let node = source;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number | symbol, unknown>)[key];
  }
  return node;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      `RPM_CONFIG = ${JSON.stringify(file)}: cannot read the file (${(err as Error).message})`,
    ]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([
      `RPM_CONFIG = ${JSON.stringify(file)}: not a JSON object (${(err as Error).message})`,
    ]);
  }
}

function shown(path: readonly string[], value: unknown): string {
  if (value === undefined) return 'is not set';
  // Never print secrets back into logs.
  if (/password|secret|token|key$/i.test(path[path.length - 1] ?? '')) return '= (hidden)';
  return `= ${JSON.stringify(value)}`;
}

/**
 * Builds and validates a configuration from the environment (and an optional JSON file).
 * Throws ConfigError listing every bad setting.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const file = env.RPM_CONFIG;
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  const fromEnv = new Set<string>();
  for (const path of leafPaths(schema)) {
    const parent = parentOf(raw, path);
    const value = env[envNameFor(path)];
    const last = path[path.length - 1];
    if (value !== undefined && value !== '' && last !== undefined) {
      parent[last] = value;
      fromEnv.add(path.join('.'));
    }
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const where = fromEnv.has(path.join('.')) || !file ? envNameFor(path) : `${path.join('.')} in ${file}`;
      return `${where} ${shown(path, getPath(raw, issue.path))}: ${issue.message}`;
    }),
  );
}
