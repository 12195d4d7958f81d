import { describe, expect, it } from 'vitest';
import { summarizeCpuProfile } from './cpu-profile-summary.ts';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 7 });

// Ten samples of 1 ms: ingest 5, changesBetween 2, aedes 1, idle 1, GC 1.
const PROFILE = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('ingest', 'file:///repo/alerts/alerts-engine.ts') },
    { id: 3, callFrame: frame('changesBetween', 'file:///repo/alerts/alerts-service.ts') },
    { id: 4, callFrame: frame('', 'file:///repo/node_modules/aedes/lib/handlers/publish.js') },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('(garbage collector)') },
  ],
  samples: [2, 2, 3, 2, 4, 2, 5, 3, 6, 2],
  timeDeltas: Array.from({ length: 10 }, () => 1000),
};

describe('summary of a CPU profile', () => {
  it('ranks functions by self time, with idle and garbage collection apart', () => {
    expect(summarizeCpuProfile(PROFILE, '/repo/', 2)).toEqual({
      seconds: 0.01,
      idlePercent: 10,
      gcPercent: 10,
      hotspots: [
        { function: 'ingest', location: 'alerts/alerts-engine.ts', selfPercent: 50 },
        { function: 'changesBetween', location: 'alerts/alerts-service.ts', selfPercent: 20 },
      ],
    });
  });

  it('names anonymous functions and places library code by package', () => {
    expect(summarizeCpuProfile(PROFILE, '/repo/', 10).hotspots).toContainEqual({
      function: '(anonymous)',
      location: 'aedes/lib/handlers/publish.js',
      selfPercent: 10,
    });
  });
});
