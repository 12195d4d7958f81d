/**
 * The words of an alert email. It carries the patient's pseudonymous id, not their name:
 * email crosses systems the clinic does not control, and the link opens the patient in the
 * dashboard, behind a login, where the name is.
 */
import type { AlertEvent } from '../../common/contract.ts';

const VERB: Record<AlertEvent['type'], string> = {
  fired: 'New alert',
  renotified: 'Still unacknowledged',
  escalated: 'Escalated: no one has acknowledged',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

export function alertEmailText(
  event: AlertEvent,
  options: { timeZone: string; dashboardUrl?: string | undefined },
): { subject: string; text: string } {
  const when = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: options.timeZone,
  }).format(new Date(event.at));
  // The patient comes first so a long message never cuts it off; the message already says
  // what happened (fired, reminder, escalation...).
  const subject = `[${event.severity.toUpperCase()}] patient ${event.patientId}: ${event.message}`;
  const lines = [
    `${VERB[event.type]} - ${event.severity} - patient ${event.patientId}`,
    '',
    event.message,
    ...(event.value !== undefined && event.unit ? [`Reading: ${event.value} ${event.unit}`] : []),
    `Time: ${when} (${options.timeZone})`,
    ...(event.by ? [`By: ${event.by}`] : []),
    ...(event.note ? [`Note: ${event.note}`] : []),
    ...(event.until ? [`Until: ${new Date(event.until).toISOString()}`] : []),
    '',
    options.dashboardUrl
      ? `Open the patient: ${options.dashboardUrl.replace(/\/$/, '')}/patients/${encodeURIComponent(event.patientId)}`
      : 'Open the dashboard to see the patient.',
    `Alert ${event.alertId}`,
  ];
  return {
    subject: subject.length > 160 ? `${subject.slice(0, 157)}...` : subject,
    text: `${lines.join('\n')}\n`,
  };
}
