/** What the bare broker process (bare-broker.ts) tells the benchmark. */
import { z } from 'zod';

export const BareBrokerReport = z.strictObject({
  type: z.literal('listening'),
  port: z.number().int().positive(),
});
export type BareBrokerReport = z.infer<typeof BareBrokerReport>;
