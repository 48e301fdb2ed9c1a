// The reference resident portal: a hash router over the pages, the header (language, logout) and the menu.
import { ProblemError } from "./api";
import { byId, clear, h } from "./dom";
import { language, setLanguage, t, type MessageKey } from "./i18n";
import { cardsPage } from "./pages/cards";
import { consentsPage } from "./pages/consents";
import { ledgerPage } from "./pages/ledger";
import { loginPage } from "./pages/login";
import { notificationsPage } from "./pages/notifications";
import { proxiesPage } from "./pages/proxies";
import { selfPage } from "./pages/self";
import { setupPage } from "./pages/setup";
import * as session from "./session";
import { problemBox, toProblem } from "./ui";

interface Route {
  title: MessageKey;
  nav?: MessageKey;
  needsLogin: boolean;
  render: (rerender: () => void) => HTMLElement[] | Promise<HTMLElement[]>;
}

let notice: string | null = null;

const routes: Record<string, Route> = {
  login: { title: "loginTitle", needsLogin: false, render: (rerender) => loginPage(takeNotice(), rerender) },
  setup: { title: "setupTitle", needsLogin: false, render: setupPage },
  me: { title: "selfTitle", nav: "navSelf", needsLogin: true, render: selfPage },
  "access-log": { title: "ledgerTitle", nav: "navLedger", needsLogin: true, render: ledgerPage },
  consents: { title: "consentsTitle", nav: "navConsents", needsLogin: true, render: consentsPage },
  proxies: { title: "proxiesTitle", nav: "navProxies", needsLogin: true, render: proxiesPage },
  notifications: { title: "notificationsTitle", nav: "navNotifications", needsLogin: true, render: notificationsPage },
  cards: { title: "cardsTitle", nav: "navCards", needsLogin: true, render: cardsPage },
};

function takeNotice(): string | null {
  const query = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const text = notice ?? (query.get("ready") ? t("setupDone") : null);
  notice = null;
  return text;
}

function current(): string {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0] ?? "";
  return name in routes ? name : session.loggedIn() ? "me" : "login";
}

let rendering = 0;

async function render(moveFocus: boolean): Promise<void> {
  const name = current();
  const route = routes[name]!;
  if (route.needsLogin && !session.loggedIn()) {
    location.hash = "#/login";
    return;
  }
  if (name === "login" && session.loggedIn()) {
    location.hash = "#/me";
    return;
  }
  const mine = ++rendering;
  chrome(name);
  document.title = `${t(route.title)} | ${t("pageTitleSuffix")}`;
  const page = byId("page");
  page.setAttribute("aria-busy", "true");
  let parts: HTMLElement[];
  try {
    parts = await route.render(() => void render(false));
  } catch (error) {
    if (error instanceof ProblemError && error.problem.status === 401) {
      session.end("expired");
      return;
    }
    parts = [h("h1", { tabindex: "-1", id: "page-title" }, t(route.title)), problemBox(toProblem(error))];
  }
  if (mine !== rendering) {
    return;
  }
  clear(page);
  const flash = sessionStorage.getItem("myna.portal.flash");
  if (flash) {
    sessionStorage.removeItem("myna.portal.flash");
    parts.splice(1, 0, h("div", { class: "success", role: "status" }, h("p", null, flash)));
  }
  page.append(...parts);
  page.removeAttribute("aria-busy");
  // Which page is shown, and how many renders there were: browser tests wait on these, never on time.
  page.dataset.route = name;
  page.dataset.render = String(mine);
  if (moveFocus) {
    byId("page-title").focus();
  }
}

/** The header's buttons, the menu (with the current page marked) and the texts outside the page. */
function chrome(name: string): void {
  byId("brand-name").textContent = t("siteName");
  byId("brand-note").textContent = t("siteNote");
  byId("footer-text").textContent = t("footer");
  const skip = document.querySelector<HTMLAnchorElement>(".skip-link");
  if (skip) {
    skip.textContent = t("skip");
  }
  const actions = byId("header-actions");
  const hadFocus = actions.contains(document.activeElement) ? (document.activeElement as HTMLElement).id : null;
  clear(actions);
  const other = language() === "ja" ? "en" : "ja";
  actions.append(h("button", {
    type: "button",
    id: "language-switch",
    lang: other,
    "aria-label": t("switchLanguageLabel"),
    onclick: () => {
      setLanguage(other);
      void render(false);
    },
  }, t("switchLanguage")));
  if (session.loggedIn()) {
    actions.append(h("button", { type: "button", id: "logout", onclick: () => void session.logout() }, t("logout")));
  }
  if (hadFocus) {
    document.getElementById(hadFocus)?.focus();
  }
  const nav = byId("nav");
  nav.setAttribute("aria-label", t("navLabel"));
  clear(nav);
  nav.hidden = !session.loggedIn();
  if (session.loggedIn()) {
    const list = h("ul");
    for (const [key, route] of Object.entries(routes)) {
      if (route.nav) {
        list.append(h("li", null, h("a", { href: `#/${key}`, "aria-current": key === name ? "page" : null }, t(route.nav))));
      }
    }
    nav.append(list);
  }
}

async function boot(): Promise<void> {
  setLanguage(language());
  session.onSessionEnded((reason) => {
    notice = reason === "logout" ? t("loggedOut") : t("sessionExpired");
    if (location.hash.startsWith("#/login")) {
      void render(true);
    } else {
      location.hash = "#/login";
    }
  });
  for (const type of ["keydown", "pointerdown"]) {
    document.addEventListener(type, () => session.activity(), { passive: true });
  }
  byId<HTMLDialogElement>("session-dialog").addEventListener("cancel", (event) => event.preventDefault());
  await session.resume();
  window.addEventListener("hashchange", () => void render(true));
  await render(false);
}

void boot();
