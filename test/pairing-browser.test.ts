/**
 * The gateway's pairing page in a real browser (Debian Chromium, a phone-sized screen), as a
 * patient or installer uses it at home: the gateway runs in-process with a simulated
 * heart-rate strap and pulse oximeter on the virtual Bluetooth adapter, connected to the real
 * server (embedded broker, InfluxDB). Look for devices, pair the strap (a wrong PIN first),
 * see it connected with its battery and last reading, its readings stored at the clinic, and
 * unpair it. A screenshot of the phone screen goes to test-artifacts/pairing-phone.png.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../common/log.ts';
import { GatewayConfig } from '../gateway/config.ts';
import { openGatewayAdapter, type RunningGateway, startGateway } from '../gateway/start-gateway.ts';
import type { RunningServer } from '../server/start-server.ts';
import { launchChromium } from './chromium.ts';
import { registerGateway, startTestServer, uniqueDatabase } from './helpers.ts';

const PIN = '314159';
const ARTIFACTS = 'test-artifacts';
/** The page refreshes its device list every 10 s. */
const PAGE_UPDATE = { timeout: 30_000, interval: 500 };

let server: RunningServer;
let gateway: RunningGateway;
let browser: Browser;
const policyViolations: string[] = [];

beforeAll(async () => {
  server = await startTestServer(uniqueDatabase('pairing_browser'));
  const secret = await registerGateway(server.records, 'gw-phone', ['P-PB1', 'P-PB2']);
  const config = GatewayConfig.parse({
    gatewayId: 'gw-phone',
    patientIds: ['P-PB1', 'P-PB2'],
    pairing: { pin: PIN },
    dataDir: await mkdtemp(join(tmpdir(), 'rpm-pairing-browser-')),
    mqtt: { url: `mqtt://127.0.0.1:${server.mqttPort}`, username: 'gw-phone', password: secret },
    publish: { batchSize: 50, maxInFlight: 4, streamWindowMs: 50, encoding: 'series' },
    ble: { mode: 'virtual' },
    virtual: { household: [{ patientId: 'P-PB1', profile: 'heart' }], seed: 'phone', pairHousehold: false },
    http: { host: '127.0.0.1', port: 0 },
  });
  const log = createLogger('test-gateway', 'silent');
  gateway = await startGateway(config, log, await openGatewayAdapter(config, { advertisingIntervalMs: 20 }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await server?.close();
});

async function phonePage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) policyViolations.push(message.text());
  });
  return page;
}

const storedRows = async (measurement: 'heart_rate' | 'spo2') =>
  (await server.influx.query(`SELECT value FROM ${measurement} WHERE patient = 'P-PB1'`)).length;

describe('gateway pairing page on a phone', () => {
  it('looks for devices, pairs the strap with the PIN, shows it connected and reading, and unpairs it', async () => {
    const page = await phonePage();
    await page.goto(gateway.httpUrl);
    await expect
      .poll(() => page.locator('#gateway-line').textContent(), PAGE_UPDATE)
      .toBe('Gateway gw-phone: sending to the clinic');
    await expect.poll(() => page.locator('#no-paired').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Look for devices' }).click();
    const nearby = page.locator('#nearby > li');
    await expect.poll(() => nearby.count(), PAGE_UPDATE).toBe(2);
    expect(await nearby.locator('h3').allTextContents()).toEqual(
      expect.arrayContaining(['Heart-rate strap', 'Pulse oximeter']),
    );
    const strap = nearby.filter({ has: page.locator('h3', { hasText: 'Heart-rate strap' }) });
    expect(await strap.locator('.signal').textContent()).toMatch(/ -\d+ dBm$/);

    // A wrong PIN is refused with words the person can act on, and pairs nothing.
    await strap.getByLabel('Patient code').selectOption('P-PB1');
    await strap.getByLabel('Pairing PIN').fill('000000');
    await strap.getByRole('button', { name: 'Pair' }).click();
    await expect
      .poll(() => page.locator('#message').textContent())
      .toBe('Wrong PIN. Use the pairing PIN printed on the gateway.');
    expect(await page.locator('#paired > li').count()).toBe(0);

    await strap.getByLabel('Pairing PIN').fill(PIN);
    await strap.getByRole('button', { name: 'Pair' }).click();
    await expect
      .poll(() => page.locator('#message').textContent())
      .toBe('Heart-rate strap paired to patient P-PB1.');
    const paired = page.locator('#paired > li');
    await expect.poll(() => paired.count()).toBe(1);
    expect(await paired.locator('h3').textContent()).toBe('Heart-rate strap');
    expect(await paired.locator('.muted').textContent()).toMatch(/· patient P-PB1$/);
    expect(await page.locator('#nearby > li').count()).toBe(0);

    // The gateway connects to the strap only now; the page shows it within its refresh.
    await expect.poll(() => paired.textContent(), PAGE_UPDATE).toContain('Connected');
    await expect.poll(() => paired.textContent(), PAGE_UPDATE).toContain('Last reading: just now');
    expect(await paired.textContent()).toMatch(/Battery: \d{1,3} %/);
    await expect.poll(() => storedRows('heart_rate'), PAGE_UPDATE).toBeGreaterThan(0);
    expect(await storedRows('spo2')).toBe(0); // the oximeter was not paired: never connected
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'pairing-phone.png'), fullPage: true });

    // Unpairing asks to confirm, then for the PIN.
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void (dialog.type() === 'prompt' ? dialog.accept(PIN) : dialog.accept());
    });
    await paired.getByRole('button', { name: 'Unpair' }).click();
    await expect.poll(() => page.locator('#message').textContent()).toBe('Heart-rate strap unpaired.');
    expect(dialogs).toEqual(['confirm', 'prompt']);
    await expect.poll(() => page.locator('#no-paired').isVisible()).toBe(true);
    await expect
      .poll(() => gateway.central.status().filter((link) => link.connected).length, PAGE_UPDATE)
      .toBe(0);
    expect(policyViolations).toEqual([]);
  });
});
