// Shared by the browser tests: the system Chromium (never a downloaded browser), seeding through the CLI, and
// small keyboard and page helpers. Everything talks to 127.0.0.1 only.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

const run = promisify(execFile);

export const apiUrl = process.env.MYNA_API_URL ?? "http://127.0.0.1:5080";
export const portalUrl = `${apiUrl}/portal/`;
export const screenshots = process.env.MYNA_PORTAL_SCREENSHOTS ?? "";

/** Debian's Chromium, headless, with everything that would call out of the machine turned off. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.MYNA_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
      "--metrics-recording-only", "--no-default-browser-check",
    ],
  });
}

/** The CLI as README readers run it: `myna <args>` against this API (MYNA_CLI names the command). */
export async function cli(...args) {
  const command = (process.env.MYNA_CLI ?? "dotnet run --project ../Myna.Cli --").split(" ");
  const { stdout } = await run(command[0], [...command.slice(1), "--url", apiUrl, ...args], { timeout: 120_000, maxBuffer: 4 << 20 });
  return stdout;
}

/** A resident whose card waits for its handover (myna dev-resident --json). */
export async function seedResident() {
  const out = await cli("dev-resident", "--json");
  const line = out.split("\n").map((l) => l.trim()).find((l) => l.startsWith("{"));
  if (!line) {
    throw new Error(`dev-resident printed no JSON: ${out}`);
  }
  return JSON.parse(line);
}

/** A new browser context (its own IndexedDB) in a language, optionally with a short idle timeout. */
export async function newContext(browser, { language = "ja", viewport = { width: 1280, height: 900 }, idleSeconds = null } = {}) {
  const context = await browser.newContext({ locale: language === "ja" ? "ja-JP" : "en-GB", viewport });
  await context.addInitScript(([lang, idle]) => {
    if (!localStorage.getItem("myna.portal.language")) {
      localStorage.setItem("myna.portal.language", lang);
    }
    if (idle) {
      localStorage.setItem("myna.portal.idleSeconds", String(idle));
    }
  }, [language, idleSeconds]);
  return context;
}

/** Shows a page of the portal and waits until it has rendered (loads the portal first if it is not open). */
export async function open(page, route) {
  if (!page.url().startsWith(portalUrl)) {
    await page.goto(`${portalUrl}#/${route}`);
    await rendered(page, route, -1);
    return;
  }
  const before = Number(await page.evaluate(() => document.getElementById("page")?.dataset.render ?? "-1"));
  await page.evaluate((r) => {
    if (location.hash === `#/${r}`) {
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } else {
      location.hash = `#/${r}`;
    }
  }, route);
  await rendered(page, route, before);
}

/** Waits for a render of the route after the given render count. */
export async function rendered(page, route, after) {
  await page.waitForFunction(([r, n]) => {
    const p = document.getElementById("page");
    return p && !p.hasAttribute("aria-busy") && p.dataset.route === r && Number(p.dataset.render ?? "-1") > n;
  }, [route, after]);
}

/** The heading of the page shown now. */
export async function heading(page) {
  await page.waitForSelector("#page[data-route]:not([aria-busy]) #page-title");
  return (await page.textContent("#page-title"))?.trim();
}

/** Waits until the main region shows a text (a page renders after its address changes). */
export async function shows(page, text, timeout = 30_000) {
  await page.waitForFunction((t) => document.querySelector("main")?.textContent?.includes(t), text, { timeout });
}

/** Presses Tab until the element matching the selector has focus (keyboard only, as a person would). */
export async function tabTo(page, selector, { max = 60, reverse = false } = {}) {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      return;
    }
    await page.keyboard.press(reverse ? "Shift+Tab" : "Tab");
  }
  throw new Error(`${selector} never got the focus after ${max} presses of Tab`);
}

/** Sets up the software card for the seeded card and logs in (mouse; the keyboard journey has its own test). */
export async function setUpAndLogIn(page, resident) {
  await open(page, "setup");
  await page.fill("#setup-card", resident.cardId);
  await page.fill("#setup-municipality", resident.municipality);
  await page.click("form button[type=submit]");
  await page.waitForSelector("#page[data-route=login] ul.items button:not(.secondary)");
  await page.click("ul.items button:not(.secondary)");
  await page.waitForSelector("#page[data-route=me]:not([aria-busy]) #page-title");
}

export async function screenshot(page, name) {
  if (!screenshots) {
    return;
  }
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}/${name}.png`, fullPage: true });
}

/** Polls a condition (no fixed sleeps): the answer, or a failure after the time is up. */
export async function eventually(what, condition, { timeoutMs = 30_000, everyMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await condition();
    if (last) {
      return last;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}
