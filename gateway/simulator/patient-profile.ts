/** The conditions a simulated household's patients can have, each with its own devices (household.ts). */
import { z } from 'zod';

export const PatientProfile = z.enum(['diabetes', 'copd', 'heart']);
export type PatientProfile = z.infer<typeof PatientProfile>;
