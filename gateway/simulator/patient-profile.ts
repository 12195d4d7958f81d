/** The conditions a simulated household's patients can have, each with its own devices (household.ts). */
import { z } from 'zod';

export const PatientProfile = z.enum(['diabetes', 'copd', 'heart', 'hypertension', 'heart_failure']);
export type PatientProfile = z.infer<typeof PatientProfile>;
