/**
 * Who looks after patients, as data: staff roles and ids, and care teams (the nurses and
 * doctors of a set of patients, in escalation order). One schema for each, used by the
 * records (which store them), the alerts (which route to them) and the dashboard (which
 * shows and edits them). Pure: no database here; records/users.ts and records/care-teams.ts
 * store and load them.
 */
import { z } from 'zod';
import { text } from '../common/text.ts';

export const Role = z.enum(['nurse', 'doctor', 'admin']);
export type Role = z.infer<typeof Role>;

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const ID_RULE = 'expected 2-32 lowercase letters, digits, . _ or -';

export const UserId = text().regex(ID_PATTERN, ID_RULE);
export const CareTeamId = text().regex(ID_PATTERN, ID_RULE);

/**
 * A member as stored: 1 is called first, members sharing a number are called together, an
 * alert left unacknowledged goes on to the next number. Admins are never members.
 */
export const CareTeamMember = z.strictObject({
  userId: UserId,
  displayName: text(),
  role: z.enum(['nurse', 'doctor']),
  /** Where email alerts go; a member without one is reached on the dashboard only. */
  email: z.email().nullable(),
  escalationOrder: z.number().int().min(1).max(20),
});
export type CareTeamMember = z.infer<typeof CareTeamMember>;

export const CareTeam = z.strictObject({
  id: CareTeamId,
  name: text().trim().min(1).max(80),
  members: z.array(CareTeamMember).max(50),
  patientIds: z.array(text()),
});
export type CareTeam = z.infer<typeof CareTeam>;
