/**
 * Where a process spent its CPU time, from the V8 CPU profile `node --cpu-prof` writes at
 * exit: the functions with the most self time (samples in which they were running), with
 * idle and garbage collection apart. Used to say which part of the server limits a step.
 */
import { z } from 'zod';
import type { ProfileHotspot, ServerProfile } from './benchmark-report.ts';

const CpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

const IDLE = '(idle)';
const GC = '(garbage collector)';

/** `file:///repo/alerts/x.ts` -> `alerts/x.ts`; `.../node_modules/aedes/lib/y.js` -> `aedes/lib/y.js`. */
function place(url: string, repoRoot: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  return path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
}

export function summarizeCpuProfile(json: unknown, repoRoot: string, top: number): ServerProfile {
  const profile = CpuProfile.parse(json);
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = frames.get(id);
    if (!frame) return;
    totalUs += us;
    // No line numbers: tsx and bundled packages run transformed code whose lines are not the source's.
    const key = frame.url
      ? `${frame.functionName || '(anonymous)'}\t${place(frame.url, repoRoot)}`
      : frame.functionName;
    selfUs.set(key, (selfUs.get(key) ?? 0) + us);
  });
  const percent = (us: number) => (totalUs > 0 ? (100 * us) / totalUs : 0);
  const hotspots: ProfileHotspot[] = [...selfUs]
    .filter(([key]) => key !== IDLE && key !== GC)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [fn = key, location = ''] = key.split('\t');
      return { function: fn, location, selfPercent: percent(us) };
    });
  return {
    seconds: totalUs / 1e6,
    idlePercent: percent(selfUs.get(IDLE) ?? 0),
    gcPercent: percent(selfUs.get(GC) ?? 0),
    hotspots,
  };
}
