// The dashboard in a real browser against a stage in virtual time: the list, live updates
// without a reload, a Release's page with its steps and charts, a promote that moves the step,
// a refused action's error, the security headers, and no console errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from './support/chromium.js';
import { startDashboardStage, TOKEN, type DashboardStage } from './support/dashboard-stage.js';

let world: DashboardStage;
let browser: Browser;
let shots: string;

const row = (name: string) => browser.page.locator(`tr[data-release="${name}"]`);
const shoot = (name: string) => browser.page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

beforeAll(async () => {
  shots = await mkdtemp(join(tmpdir(), 'keelson-dashboard-shots-'));
  world = await startDashboardStage();
  // The rollouts start: rastup-api-prod's canary moves to its first weight.
  await world.stage.advance(30_000, { stepMs: 5_000 });
  browser = await openBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
  await rm(shots, { recursive: true, force: true });
});

describe('the dashboard', () => {
  it('serves the page with a strict Content-Security-Policy and no framing', async () => {
    const res = await fetch(`${world.url}/ui/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lists the Releases, taking the token from the fragment out of the address bar', async () => {
    const { page } = browser;
    await page.goto(`${world.url}/ui/#token=${TOKEN}`);
    await row('rastup-api-prod').waitFor();
    expect(await page.locator('tbody tr').count()).toBe((await world.stage.store.listStatuses()).size);
    expect(page.url()).not.toContain('token');
    expect(await page.evaluate("sessionStorage.getItem('keelson.token')")).toBe(TOKEN);
    await page.locator('.stream.live').waitFor();
    await shoot('list');
  });

  it('moves a row as its rollout progresses, without a reload', async () => {
    const { page } = browser;
    const marker = await page.evaluate('window.marker = Math.random()');
    const before = await row('rastup-api-prod').locator('.weights').getAttribute('aria-label');
    // Until the status the store holds has other weights than the page showed.
    let status = await world.stage.status('rastup-api-prod');
    for (let i = 0; i < 60 && `blue ${status?.weights?.blue}%, green ${status?.weights?.green}%` === before; i++) {
      await world.stage.advance(10_000, { stepMs: 5_000 });
      status = await world.stage.status('rastup-api-prod');
    }
    const now = `blue ${status?.weights?.blue}%, green ${status?.weights?.green}%`;
    expect(now).not.toBe(before);
    await expect.poll(() => row('rastup-api-prod').locator('.weights').getAttribute('aria-label'), { timeout: 10_000 }).toBe(now);
    expect(await page.evaluate('window.marker')).toBe(marker);
  });

  it("opens a Release's page with its steps and charts, and a promote moves its step", async () => {
    const { page } = browser;
    await row('rastup-api-prod').getByRole('link').click();
    await page.getByRole('heading', { name: /rastup-api-prod/ }).waitFor();
    await page.locator('ol.steps li').first().waitFor();
    expect(await page.locator('ol.steps li').count()).toBe(5);
    await page.locator('.chart canvas').first().waitFor();
    const stepBefore = (await world.stage.status('rastup-api-prod'))?.currentStepIndex ?? 0;
    await expect.poll(() => page.locator('dd.step').textContent()).toBe(`${stepBefore + 1}/5`);
    await expect.poll(() => page.locator('ol.steps li[aria-current="step"]').count()).toBe(1);
    await shoot('release');

    await page.getByRole('button', { name: 'Promote rastup-api-prod' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Promote' }).click();
    await page.getByRole('status').filter({ hasText: 'promote requested' }).waitFor();
    await world.stage.advance(5_000, { stepMs: 1_000 });
    const stepAfter = (await world.stage.status('rastup-api-prod'))?.currentStepIndex ?? 0;
    expect(stepAfter).toBeGreaterThan(stepBefore);
    await expect.poll(() => page.locator('dd.step').textContent(), { timeout: 10_000 }).toBe(`${stepAfter + 1}/5`);
  });

  it('shows the code and message of an action the API refuses', async () => {
    const { page } = browser;
    await page.goto(`${world.url}/ui/releases/aep-backend-prod`);
    await page.getByRole('button', { name: 'Approve aep-backend-prod' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Approve' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // Refused by the API: the token's identity (api-token) is not in the gate's group, release-managers.
    expect(await alert.textContent()).toMatch(/^approve refused: ApprovalRefused: .+/);
    await shoot('refused');
  });

  it('logged no console errors', () => {
    // The browser reports every failed request; the refused approval above was expected.
    const expected = [/\/api\/v1\/releases\/aep-backend-prod\/approve\)$/];
    expect(browser.problems.filter((p) => !expected.some((e) => p.startsWith('console: Failed to load resource') && e.test(p)))).toEqual([]);
  });
});
