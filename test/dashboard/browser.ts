import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
// `npm run test:dashboard` refreshes the README's screenshots (SCREENSHOT_DIR=docs/screenshots); every other
// run keeps its screenshots out of the work tree, so `npm test` never leaves the checkout modified.
export const SCREENSHOTS = process.env.SCREENSHOT_DIR
  ? resolve(process.env.SCREENSHOT_DIR)
  : join(tmpdir(), 'tracker-screenshots');

/** Debian's Chromium through playwright-core (no browser download); an office screen of 1366×768. */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export type Session = { context: BrowserContext; page: Page; errors: string[] };

/** A fresh browser context (its own sessionStorage) logged in with `token` through the login page. */
export async function loginAs(
  browser: Browser,
  baseURL: string,
  token: string,
  next?: string,
): Promise<Session> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  await page.goto(next ? `/?next=${encodeURIComponent(next)}` : '/');
  await page.fill('#token', token);
  await page.click('#login button[type=submit]');
  await page.waitForURL((url) => url.pathname !== '/');
  await page.waitForSelector('header.top nav a');
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: false });
}
