/**
 * The CGM trend arrow of a glucose rate of change, in the Dexcom bands
 * (Dexcom G4 PLATINUM User's Guide §8.2 [K5] in ../../../shared/clinical-reference.md):
 * steady under 1 mg/dL/min, slowly 1-2, rising/falling 2-3, rapidly over 3. A rate
 * exactly on an edge takes the faster band's lower end (1 is "slowly", 2 is "rising"),
 * except 3, which "rapidly" needs to exceed. Every arrow has its words: the glyph alone
 * is never the signal.
 */

export interface GlucoseTrend {
  glyph: string;
  label: string;
  /** -3 (falling rapidly) .. 3 (rising rapidly); 0 steady. */
  step: number;
}

const STEADY: GlucoseTrend = { glyph: '→', label: 'Steady', step: 0 };
const RISING: readonly GlucoseTrend[] = [
  { glyph: '↗', label: 'Rising slowly', step: 1 },
  { glyph: '↑', label: 'Rising', step: 2 },
  { glyph: '⇈', label: 'Rising fast', step: 3 },
];
const FALLING: readonly GlucoseTrend[] = [
  { glyph: '↘', label: 'Falling slowly', step: -1 },
  { glyph: '↓', label: 'Falling', step: -2 },
  { glyph: '⇊', label: 'Falling fast', step: -3 },
];

/** Band edges in mg/dL/min [K5]. */
const SLOWLY_FROM = 1;
const RISING_FROM = 2;
const RAPIDLY_ABOVE = 3;

export function classifyGlucoseTrend(mgdlPerMin: number): GlucoseTrend {
  const speed = Math.abs(mgdlPerMin);
  if (speed < SLOWLY_FROM) return STEADY;
  const bands = mgdlPerMin > 0 ? RISING : FALLING;
  const band = speed > RAPIDLY_ABOVE ? 2 : speed >= RISING_FROM ? 1 : 0;
  return bands[band] ?? STEADY;
}
