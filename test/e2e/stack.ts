/**
 * One end-to-end environment: the sandbox EHR, the production build of the
 * app served as static files, and headless Chromium. Launches go through the
 * simulator page exactly as a person would use it.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { inject } from 'vitest';
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
      return { context, page };
    },
    async close() {
      await browser.close();
      await Promise.allSettled([sandbox.close(), app.close()]);
    },
  };
}

/** Uses the EHR simulator: picks patient and user by visible name, presses Launch. */
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
  await frame.waitForURL(/\/index\.html/, { timeout: 30_000 });
  return frame;
}
