import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { TestIssuer } from '@service-trust/auth-guard/testing';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { type InventoryTestApp, startInventoryTestApp } from '../src/testing/inventory-test-app';

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

/**
 * Swagger UI in a real headless browser: authorize with a bearer token, then "Try it out" →
 * "Execute" a guarded route, and read the answer off the page. Every file Swagger UI loads must
 * come from the service itself (no CDN): any other request fails the test.
 */
describe('Swagger UI at /docs (headless Chromium)', () => {
  let testDb: TestDatabase;
  let issuer: TestIssuer;
  let inventory: InventoryTestApp;
  let browser: Browser;
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`This test needs Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
    }
    [testDb, issuer, browser] = await Promise.all([
      createTestDatabase('postgres'),
      TestIssuer.start({ audience: 'inventory', alg: 'ES256' }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
    ]);
    inventory = await startInventoryTestApp(testDb.url, issuer.issuer);
  }, 20_000);
  afterAll(async () => {
    await browser?.close();
    await inventory?.close();
    await issuer?.stop();
    await testDb?.drop();
  });

  async function openDocs(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(8_000);
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(inventory.baseUrl) && !url.startsWith('data:')) foreignRequests.push(url);
    });
    await page.goto(`${inventory.baseUrl}/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'inventory' }).waitFor();
    return page;
  }

  /** Expands GET /inventory/items, presses "Try it out" then "Execute", and returns the status shown. */
  async function executeListItems(page: Page): Promise<{ status: string; body: string }> {
    const operation = page.locator('#operations-items-ItemsController_list');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();
    const response = operation.locator('.live-responses-table .response').first();
    await response.waitFor();
    return {
      status: (await response.locator('.response-col_status').innerText()).trim(),
      body: await response.locator('.response-col_description').innerText(),
    };
  }

  it('authorizes with a bearer token and shows 200 with the items for a guarded route', async () => {
    const token = await issuer.mint({ sub: 'orders-service', client_id: 'orders-service', scope: 'inventory:read' });
    const page = await openDocs();
    try {
      await page.locator('.scheme-container button.authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await dialog.locator('input').first().fill(token);
      await dialog.locator('button.authorize').click();
      await dialog.locator('button.btn-done, button.close-modal').first().click();
      const { status, body } = await executeListItems(page);
      expect(status).toBe('200');
      expect(body).toContain('SKU-MUG-002');
    } finally {
      await page.close();
    }
  });

  it('shows 401 for the same route when not authorized', async () => {
    const page = await openDocs();
    try {
      const { status, body } = await executeListItems(page);
      expect(status).toBe('401');
      expect(body).toContain('missing_token');
    } finally {
      await page.close();
    }
  });

  it('loaded nothing from anywhere but the service (Swagger UI comes from swagger-ui-dist)', () => {
    expect(foreignRequests).toEqual([]);
  });
});
