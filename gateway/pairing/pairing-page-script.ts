/**
 * The pairing page's script (runs in the phone's browser; bundled by pairing-page.ts): shows
 * the paired devices (refreshed every 10 s), looks for nearby devices on request, and pairs
 * or unpairs with the gateway's PIN. Plain DOM, no framework; every text is set with
 * textContent, never as HTML.
 */

import { isLowBattery } from '../../common/battery.ts';
import { DEVICE_KIND_LABELS } from '../../common/device-kinds.ts';
import { batteryText, signalText } from './pairing-labels.ts';
import type {
  ApiError,
  NearbyHealthDevice,
  NearbyResponse,
  PairedDeviceView,
  PairingOverview,
} from './pairing-page-api.ts';

const REFRESH_MS = 10_000;
let overview: PairingOverview | undefined;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

function say(text: string, kind: 'error' | 'info' = 'error'): void {
  const message = byId('message');
  message.textContent = text;
  message.className = kind;
  message.hidden = false;
  message.scrollIntoView({ block: 'nearest' });
}

/** "just now", "5 minutes ago", "3 hours ago", or the date. */
function ago(iso: string | null): string {
  if (!iso) return 'never';
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} hours ago`;
  return new Date(iso).toLocaleString();
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, init);
  const body: unknown = await response.json();
  if (!response.ok) throw new Error((body as ApiError).message ?? `the gateway answered ${response.status}`);
  return body as T;
}

function askPin(): string | undefined {
  const pin = window.prompt('Pairing PIN (printed on the gateway):');
  return pin === null || pin.trim() === '' ? undefined : pin.trim();
}

function pairedCard(device: PairedDeviceView): HTMLLIElement {
  const state = device.connected
    ? element('span', { class: 'ok' }, 'Connected')
    : element('span', { class: 'warn' }, `Not connected, last seen ${ago(device.lastSeen)}`);
  const unpair = element('button', { type: 'button', class: 'danger' }, 'Unpair');
  unpair.addEventListener('click', () => void unpairDevice(device, unpair));
  return element(
    'li',
    { class: 'card' },
    element('h3', {}, DEVICE_KIND_LABELS[device.kind]),
    element('p', { class: 'muted' }, `${device.name ?? device.address} · patient ${device.patientId}`),
    element('p', {}, state),
    element(
      'p',
      isLowBattery(device.batteryPercent) ? { class: 'warn' } : {},
      `Battery: ${batteryText(device.batteryPercent, 'not known yet')}`,
    ),
    element('p', {}, `Last reading: ${ago(device.lastReadingAt)}`),
    element('p', {}, 'Signal: ', element('span', { class: 'signal' }, signalText(device.rssi))),
    ...(device.collected
      ? []
      : [element('p', { class: 'warn' }, 'Its patient is not served by this gateway any more.')]),
    element('div', { class: 'actions' }, unpair),
  );
}

function nearbyCard(device: NearbyHealthDevice, patientIds: readonly string[]): HTMLLIElement {
  const card = element(
    'li',
    { class: 'card' },
    element('h3', {}, DEVICE_KIND_LABELS[device.kind]),
    element('p', { class: 'muted' }, device.name ?? device.address),
    element('p', {}, 'Signal: ', element('span', { class: 'signal' }, signalText(device.rssi))),
  );
  if (device.pairedTo) {
    card.append(element('p', { class: 'ok' }, `Already paired to patient ${device.pairedTo}`));
    return card;
  }
  const patient = element('select', { id: `patient-${device.deviceId}`, required: '' });
  for (const id of patientIds) patient.append(element('option', { value: id }, id));
  const pin = element('input', {
    id: `pin-${device.deviceId}`,
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'off',
    required: '',
  });
  const submit = element('button', { type: 'submit' }, 'Pair');
  const form = element(
    'form',
    {},
    element('label', { for: patient.id }, 'Patient code (from the clinic card)'),
    patient,
    element('label', { for: pin.id }, 'Pairing PIN (printed on the gateway)'),
    pin,
    element('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void pairDevice(device, patient.value, pin.value, submit);
  });
  card.append(form);
  return card;
}

async function refresh(): Promise<void> {
  try {
    overview = await api<PairingOverview>('/api/overview');
  } catch (error) {
    say(`Cannot reach the gateway: ${(error as Error).message}`);
    return;
  }
  const broker = overview.broker.connected
    ? 'sending to the clinic'
    : `no connection to the clinic (${overview.broker.spooled} readings waiting)`;
  byId('gateway-line').textContent = `Gateway ${overview.gatewayId}: ${broker}`;
  byId('paired').replaceChildren(...overview.devices.map(pairedCard));
  byId('no-paired').hidden = overview.devices.length > 0;
  byId<HTMLButtonElement>('scan').disabled = !overview.pairingEnabled;
  if (!overview.pairingEnabled)
    say('Pairing is switched off on this gateway (no pairing PIN is set).', 'info');
}

async function scan(button: HTMLButtonElement): Promise<void> {
  const list = byId('nearby');
  button.disabled = true;
  button.textContent = 'Looking for devices…';
  try {
    const { devices } = await api<NearbyResponse>('/api/nearby?seconds=5');
    list.replaceChildren(...devices.map((d) => nearbyCard(d, overview?.patientIds ?? [])));
    if (devices.length === 0)
      say('No health device found. Switch it on, keep it close and try again.', 'info');
  } catch (error) {
    say((error as Error).message);
  } finally {
    button.disabled = false;
    button.textContent = 'Look for devices';
  }
}

async function pairDevice(
  device: NearbyHealthDevice,
  patientId: string,
  pin: string,
  button: HTMLButtonElement,
) {
  button.disabled = true;
  try {
    await api('/api/pairings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pairing-pin': pin },
      body: JSON.stringify({ deviceId: device.deviceId, patientId }),
    });
    say(`${DEVICE_KIND_LABELS[device.kind]} paired to patient ${patientId}.`, 'info');
    byId('nearby').replaceChildren();
    await refresh();
  } catch (error) {
    say((error as Error).message);
  } finally {
    button.disabled = false;
  }
}

async function unpairDevice(device: PairedDeviceView, button: HTMLButtonElement) {
  if (
    !window.confirm(
      `Unpair the ${DEVICE_KIND_LABELS[device.kind].toLowerCase()} of patient ${device.patientId}?`,
    )
  )
    return;
  const pin = askPin();
  if (!pin) return;
  button.disabled = true;
  try {
    await api(`/api/pairings/${encodeURIComponent(device.deviceId)}`, {
      method: 'DELETE',
      headers: { 'x-pairing-pin': pin },
    });
    say(`${DEVICE_KIND_LABELS[device.kind]} unpaired.`, 'info');
    await refresh();
  } catch (error) {
    say((error as Error).message);
  } finally {
    button.disabled = false;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const button = byId<HTMLButtonElement>('scan');
  button.addEventListener('click', () => void scan(button));
  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
});
