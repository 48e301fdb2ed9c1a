// The reference portal in headless Chromium against the real API, silo, PostgreSQL and Azurite.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import { apiUrl, cli, eventually, heading, launch, newContext, open, portalUrl, screenshot, seedResident, setUpAndLogIn, shows, tabTo } from "./support.mjs";

const signedIn = ["me", "access-log", "consents", "proxies", "notifications", "cards"];
const signedOut = ["login", "setup"];
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function axe(page) {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
}

describe("the reference portal", { timeout: 600_000 }, () => {
  test("keyboard only: set up the software card, log in, reveal the number, see it and a clinic's check in the ledger, report the card lost", async () => {
    const resident = await seedResident();
    const context = await newContext(browser, { language: "en" });
    const page = await context.newPage();
    try {
      await open(page, "setup");
      await tabTo(page, "#setup-card");
      await page.keyboard.type(resident.cardId);
      await tabTo(page, "#setup-municipality");
      await page.keyboard.press("Control+A");
      await page.keyboard.type(resident.municipality);
      await tabTo(page, "form button[type=submit]");
      await page.keyboard.press("Enter");
      await page.waitForURL(/#\/login/);
      await shows(page, "The software card is ready");

      await tabTo(page, "ul.items button:not(.secondary)");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#page[data-route=me]:not([aria-busy]) #page-title");
      assert.equal(await heading(page), "My information");
      const masked = (await page.textContent("#individual-number")).replace(/\s/g, "");
      assert.match(masked, /^•{8}\d{4}$/, "the number is masked to its last four digits");

      await tabTo(page, "#individual-number ~ button");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => /^\d{12}$/.test(document.getElementById("individual-number").textContent.replace(/\s/g, "")));
      const revealed = (await page.textContent("#individual-number")).replace(/\s/g, "");
      assert.equal(revealed.slice(8), masked.slice(8), "the revealed number ends with the masked digits");

      const check = await cli("dev-clinic-check", "--card", resident.cardId, "--person", resident.personId);
      // No twelve digits standing alone, and not this resident's number anywhere. (A twelve-digit run inside an id such
      // as the CLI's random terminal "dev-cli-<12 hex digits>", all decimal digits in about one run of 280, is no number.)
      assert.doesNotMatch(check, /(?<![\w-])\d{12}(?![\w-])/, "the CLI prints no Individual Number");
      assert.ok(!check.includes(revealed), "the CLI prints no Individual Number");

      await tabTo(page, "nav a[href='#/access-log']");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#page[data-route=access-log]:not([aria-busy])");
      assert.equal(await heading(page), "Who accessed my data");
      await page.waitForSelector("#ledger-entries:not([aria-busy]) li");
      const kinds = await page.$$eval("#ledger-entries li .badge", (badges) => badges.map((b) => b.textContent));
      assert.ok(kinds.includes("You"), `the reveal is on the ledger (${kinds})`);
      assert.ok(kinds.includes("Clinic or pharmacy"), `the clinic's check is on the ledger (${kinds})`);

      await tabTo(page, "#kind-institution");
      await page.keyboard.press("Space");
      await tabTo(page, "form button[type=submit]");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#ledger-entries:not([aria-busy])");
      const filtered = await page.$$eval("#ledger-entries li .badge", (badges) => badges.map((b) => b.textContent));
      assert.ok(filtered.length > 0 && filtered.every((k) => k === "Clinic or pharmacy"), `only clinics after the filter (${filtered})`);
      await screenshot(page, "access-log-filtered-en");

      await tabTo(page, "nav a[href='#/cards']");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#page[data-route=cards]:not([aria-busy])");
      assert.equal(await heading(page), "My cards");
      await tabTo(page, `#report-${resident.cardId}`);
      await page.keyboard.press("Enter");
      await page.waitForSelector("#confirm-dialog[open]");
      assert.equal(await page.evaluate(() => document.activeElement.textContent), "Cancel", "the safe choice has the focus");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await page.evaluate(() => document.activeElement.textContent), "Yes, report it lost");
      await page.keyboard.press("Enter");
      await page.waitForSelector("[data-status=suspended]");
      await shows(page, "reported lost and is suspended");
    } finally {
      await context.close();
    }
  });

  test("axe finds no violation on any page, in Japanese and in English", async () => {
    const resident = await seedResident();
    const failures = [];
    const context = await newContext(browser, { language: "ja" });
    const page = await context.newPage();
    const check = async (language, route, suffix = "") => {
      assert.equal(await page.getAttribute("html", "lang"), language);
      failures.push(...(await axe(page)).map((v) => `${language} ${route}${suffix}: ${v}`));
      await screenshot(page, `${route}${suffix ? "-dialog" : ""}-${language}`);
    };
    try {
      for (const route of signedOut) {
        await open(page, route);
        await check("ja", route);
      }
      await setUpAndLogIn(page, resident);
      // One reveal, so the access log has an entry to show (and to check) in both languages.
      await page.click("#individual-number ~ button");
      await page.waitForFunction(() => /^\d{12}$/.test(document.getElementById("individual-number").textContent.replace(/\s/g, "")));
      for (const route of signedIn) {
        await open(page, route);
        await check("ja", route);
      }
      // The language switch: the same pages in English, in the same session.
      await page.click("#language-switch");
      await page.waitForFunction(() => document.documentElement.lang === "en");
      for (const route of signedIn) {
        await open(page, route);
        await check("en", route);
      }
      // The loss report's confirmation, open (then cancelled with Escape).
      await open(page, "cards");
      await page.click(`#report-${resident.cardId}`);
      await page.waitForSelector("#confirm-dialog[open]");
      await check("en", "cards", " (dialog)");
      await page.keyboard.press("Escape");
      await page.waitForSelector("#confirm-dialog[open]", { state: "detached" });
      await page.click("#logout");
      await page.waitForURL(/#\/login/);
      for (const route of signedOut) {
        await open(page, route);
        await check("en", route);
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(failures, []);
  });

  test("at 320 px and at 200% zoom nothing is cut off and nothing scrolls sideways", async () => {
    const resident = await seedResident();
    const problems = [];
    const context = await newContext(browser, { language: "ja" });
    const page = await context.newPage();
    try {
      await setUpAndLogIn(page, resident);
      // 320 CSS px is a phone; 640 CSS px is a 1280 px window at 200% zoom; text at 200% on a desktop.
      for (const [label, viewport, fontSize] of [["320px", { width: 320, height: 640 }, null], ["zoom200", { width: 640, height: 450 }, null], ["text200", { width: 1280, height: 900 }, "200%"]]) {
        await page.setViewportSize(viewport);
        for (const route of [...signedIn, "setup"]) {
          await open(page, route);
          if (fontSize) {
            await page.evaluate((size) => { document.documentElement.style.fontSize = size; }, fontSize);
          }
          const found = await page.evaluate(() => {
            const root = document.documentElement;
            const out = [];
            if (root.scrollWidth > root.clientWidth) {
              out.push(`scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
            }
            for (const e of document.querySelectorAll("h1, h2, p, dt, dd, label, button, a, input, legend, li")) {
              const r = e.getBoundingClientRect();
              if (r.width > 0 && (r.left < -1 || r.right > root.clientWidth + 1)) {
                out.push(`${e.tagName.toLowerCase()} "${(e.textContent ?? "").trim().slice(0, 30)}" is cut off`);
              }
            }
            return out;
          });
          problems.push(...found.map((f) => `${label} ${route}: ${f}`));
          if (label === "320px") {
            await screenshot(page, `${route}-320px`);
          }
        }
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(problems, []);
  });

  test("every element that takes the focus shows it", async () => {
    const resident = await seedResident();
    const context = await newContext(browser, { language: "en" });
    const page = await context.newPage();
    const invisible = [];
    try {
      await open(page, "setup");
      invisible.push(...(await focusRing(page, "setup")));
      await setUpAndLogIn(page, resident);
      for (const route of signedIn) {
        await open(page, route);
        invisible.push(...(await focusRing(page, route)));
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(invisible, []);
  });

  test("the session warns before it ends, can be extended, and ends if nobody answers", async () => {
    const resident = await seedResident();
    const context = await newContext(browser, { language: "en", idleSeconds: 20 });
    const page = await context.newPage();
    try {
      await setUpAndLogIn(page, resident);
      const refreshed = page.waitForResponse((r) => r.url().endsWith("/v1/portal/sessions/refresh") && r.status() === 200, { timeout: 60_000 });
      await page.waitForSelector("#session-dialog[open]", { timeout: 60_000 });
      assert.equal(await page.evaluate(() => document.activeElement.textContent), "Stay logged in");
      assert.deepEqual(await axe(page), []);
      await page.keyboard.press("Enter");
      await refreshed;
      await page.waitForSelector("#session-dialog[open]", { state: "detached" });
      assert.match(page.url(), /#\/me/);
      await eventually("the extension to be announced", async () => /extended/.test(await page.textContent("#status")));

      // Nobody answers this time: the portal logs out by itself.
      await page.waitForSelector("#session-dialog[open]", { timeout: 60_000 });
      await page.waitForURL(/#\/login/, { timeout: 60_000 });
      await shows(page, "Your session has ended");
    } finally {
      await context.close();
    }
  });

  test("logout ends the session on the server: its refresh token stops working", async () => {
    const resident = await seedResident();
    const context = await newContext(browser, { language: "ja" });
    const page = await context.newPage();
    try {
      await setUpAndLogIn(page, resident);
      const stored = JSON.parse(await page.evaluate(() => sessionStorage.getItem("myna.portal.session")));
      assert.ok(stored.refreshToken);
      await page.click("#logout");
      await page.waitForURL(/#\/login/);
      await shows(page, "ログアウトしました");
      assert.equal(await page.evaluate(() => sessionStorage.getItem("myna.portal.session")), null);
      const answer = await fetch(`${apiUrl}/v1/portal/sessions/refresh`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refreshToken: stored.refreshToken }),
      });
      assert.equal(answer.status, 401);
    } finally {
      await context.close();
    }
  });

  test("a problem from the API comes in the portal's language, with the same stable code", async () => {
    const codes = {};
    const titles = {};
    for (const language of ["ja", "en"]) {
      const context = await newContext(browser, { language });
      const page = await context.newPage();
      try {
        await open(page, "login");
        // A software card whose certificate serial the backend never issued: the login is refused (401).
        await page.evaluate(async () => {
          const pair = () => crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
          const card = { cardId: crypto.randomUUID(), serial: "UNISSUED0001", userAuthentication: await pair(), signature: await pair(), createdAt: new Date().toISOString() };
          await new Promise((resolve, reject) => {
            const request = indexedDB.open("myna-portal", 1);
            request.onupgradeneeded = () => request.result.createObjectStore("cards", { keyPath: "cardId" });
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
              const put = request.result.transaction("cards", "readwrite").objectStore("cards").put(card);
              put.onsuccess = () => { request.result.close(); resolve(); };
              put.onerror = () => reject(put.error);
            };
          });
        });
        await open(page, "login");
        await page.click("ul.items button:not(.secondary)");
        await page.waitForSelector(".problem");
        codes[language] = (await page.textContent(".problem .code span")).trim();
        titles[language] = (await page.textContent(".problem strong")).trim();
      } finally {
        await context.close();
      }
    }
    assert.equal(codes.ja, codes.en);
    assert.notEqual(titles.ja, titles.en);
    assert.match(titles.ja, /[\u3040-\u30ff\u4e00-\u9fff]/, "the Japanese title is in Japanese");
  });

  test("the portal is served same-origin under a strict content security policy", async () => {
    const answer = await fetch(portalUrl);
    assert.equal(answer.status, 200);
    const policy = answer.headers.get("content-security-policy") ?? "";
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.match(policy, /connect-src 'self'/);
    assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
    assert.match(await answer.text(), /<html lang="ja">/);
  });
});

/** Tabs through the page; every element that takes the focus must draw an outline or a ring. */
async function focusRing(page, route) {
  const out = [];
  await page.evaluate(() => document.activeElement?.blur());
  const seen = new Set();
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) {
        return null;
      }
      const style = getComputedStyle(e);
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
      const ring = style.boxShadow !== "none" && style.boxShadow !== "";
      const label = `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} "${(e.textContent ?? "").trim().slice(0, 25)}"`;
      return { label, visible: outline || ring, key: label + e.getBoundingClientRect().top };
    });
    if (!focus || seen.has(focus.key)) {
      break;
    }
    seen.add(focus.key);
    if (!focus.visible) {
      out.push(`${route}: ${focus.label} has no visible focus`);
    }
  }
  if (seen.size === 0) {
    out.push(`${route}: nothing took the focus`);
  }
  return out;
}
