/**
 * One end-to-end environment: the sandbox EHR, the production build of the
 * app served as static files, and headless Chromium. Launches go through the
 * simulator page exactly as a person would use it.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { axeInFrame, seriousOrCritical } from './axe';
import type { Sandbox, SandboxOptions } from '../sandbox/index';
import { serveAppWithSandbox } from './appUnderTest';
import { launchBrowser } from './browser';
import type { StaticApp } from './staticServer';

export interface Stack {
  sandbox: Sandbox;
  app: StaticApp;
  browser: Browser;
  /** Hosts the browser tried to reach other than localhost (must stay empty). */
  foreignRequests: string[];
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startStack(
  options: Omit<SandboxOptions, 'port' | 'appLaunchUrl' | 'redirectUris'> = {},
): Promise<Stack> {
  const { app, sandbox } = await serveAppWithSandbox(inject('distDir'), options);
  const browser = await launchBrowser();
  const foreignRequests: string[] = [];
  return {
    sandbox,
    app,
    browser,
    foreignRequests,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      context.on('request', (req) => {
        const host = new URL(req.url()).hostname;
        if (!['localhost', '127.0.0.1'].includes(host) && !req.url().startsWith('data:'))
          foreignRequests.push(host);
      });
      const page = await context.newPage();
      // The strictest browser setting: third-party cookies and storage blocked.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCookieControls', { enableThirdPartyCookieRestriction: true });
      return { context, page };
    },
    async close() {
      await browser.close();
      await Promise.allSettled([sandbox.close(), app.close()]);
    },
  };
}

const STORAGE_BLOCKED = 'This browser blocks storage for apps embedded in the EHR';

/**
 * Uses the EHR simulator: picks patient and user by visible name, presses
 * Launch, and returns the app's frame. Where the browser blocks the app's
 * storage in the EHR's frame (app and EHR on different sites), the app offers
 * to continue in a new window: this presses that button, as a person would,
 * and returns the new window's frame.
 */
export async function launchFromSimulator(
  stack: Stack,
  page: Page,
  choice: { patientKey?: string; userId: string; needPatientBanner?: boolean },
): Promise<Frame> {
  await page.goto(`${stack.sandbox.url}/`);
  await page.getByLabel('Patient', { exact: true }).selectOption(choice.patientKey ?? '');
  await page.getByLabel('User', { exact: true }).selectOption(choice.userId);
  if (choice.needPatientBanner === false) await page.getByLabel(/need_patient_banner/).uncheck();
  await page.getByRole('button', { name: 'Launch' }).click();
  const frameElement = await page.waitForSelector('iframe[title="SMART app"]');
  const frame = await frameElement.contentFrame();
  if (!frame) throw new Error('The app frame did not load');
  const blocked = frame.getByRole('heading', { name: STORAGE_BLOCKED });
  await Promise.race([
    frame.waitForURL(/\/index\.html/, { timeout: 30_000 }),
    blocked.waitFor({ timeout: 30_000 }),
  ]);
  if (!(await blocked.isVisible())) return frame;
  const [window] = await Promise.all([
    page.context().waitForEvent('page'),
    frame.getByRole('button', { name: 'Continue in a new window' }).click(),
  ]);
  await window.waitForURL(/\/index\.html/, { timeout: 30_000 });
  return window.mainFrame();
}

/** Whether the app runs in the EHR's frame or in a window of its own. */
export const inOwnWindow = (frame: Frame): boolean => frame.parentFrame() === null;

/**
 * Serious or critical axe violations of the app, wherever it runs (in the
 * EHR's frame, or in its own window), run inside the app's page (test/e2e/axe.ts
 * says why), after checking the app's own page was analysed.
 */
export async function seriousViolations(frame: Frame): Promise<string[]> {
  const results = await axeInFrame(frame);
  expect(new URL(results.url).pathname).toMatch(/\/index\.html$/);
  expect(results.passes.length).toBeGreaterThan(0);
  return seriousOrCritical(results);
}
