/**
 * The Dockerfile's stages copy every directory their programs import (a missing one only
 * shows when an operator's container fails to start). What the programs import is what
 * esbuild resolves from their entry points; npm packages come from `npm ci`.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

interface Stage {
  copied: Set<string>;
  cmd: string;
}

function dockerStages(dockerfile: string): Map<string, Stage> {
  const stages = new Map<string, Stage>();
  let current: Stage | undefined;
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM \S+ AS (\S+)/.exec(line);
    if (from?.[1]) {
      current = { copied: new Set(), cmd: '' };
      stages.set(from[1], current);
      continue;
    }
    const copy = /^COPY (.+) \S+$/.exec(line);
    if (copy?.[1] && current) for (const source of copy[1].split(' ')) current.copied.add(source);
    const cmd = /^CMD (.+)$/.exec(line);
    if (cmd?.[1] && current) current.cmd = cmd[1];
  }
  return stages;
}

/** The project directories the entry points import, directly or not. */
async function importedDirectories(entryPoints: string[]): Promise<string[]> {
  const result = await build({
    entryPoints,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: 'unused',
    logLevel: 'silent',
  });
  return [...new Set(Object.keys(result.metafile.inputs).map((path) => path.split('/')[0] ?? path))].sort();
}

const stages = dockerStages(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8'));

describe('Dockerfile', () => {
  it.each([
    ['server', ['server/main.ts', 'server/admin-command.ts', 'dashboard/ui/main.ts'], 'server/main.ts'],
    [
      'gateway',
      [
        'gateway/main.ts',
        'gateway/pairing/pairing-command.ts',
        'gateway/decode-command.ts',
        'gateway/pairing/pairing-page-script.ts',
      ],
      'gateway/main.ts',
    ],
  ])('the %s image holds everything its programs import', async (name, entryPoints, main) => {
    const stage = stages.get(name);
    if (!stage) throw new Error(`the Dockerfile has no stage named ${name}`);
    const missing = (await importedDirectories(entryPoints)).filter((dir) => !stage.copied.has(dir));
    expect(missing).toEqual([]);
    expect(stage.copied).toContain('package-lock.json');
    expect(stage.cmd).toContain(main);
  });
});
