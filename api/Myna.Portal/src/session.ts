// The portal session: the access token in memory, the single-use refresh token in this tab's sessionStorage,
// a background refresh before the access token ends, and an idle timeout that warns first and can be extended.
import { api, setAccessToken, unwrap, type Schemas } from "./api";
import { announce, byId, clear, h } from "./dom";
import { t } from "./i18n";

type Tokens = Schemas["PortalTokenResponse"];

interface Stored {
  refreshToken: string;
  refreshExpiresAt: string;
  personId: string;
  cardId: string;
}

const storageKey = "myna.portal.session";
/** People who need more time can raise it (WCAG 2.2.1); tests lower it. Seconds, at least 20. */
const idleKey = "myna.portal.idleSeconds";
const defaultIdleSeconds = 15 * 60;

let current: (Stored & { accessToken: string; expiresAt: string }) | null = null;
let refreshTimer: number | undefined;
let idleTimer: number | undefined;
let warningTimer: number | undefined;
let onEnded: (reason: "logout" | "expired") => void = () => undefined;

export function onSessionEnded(handler: (reason: "logout" | "expired") => void): void {
  onEnded = handler;
}

export function loggedIn(): boolean {
  return current !== null;
}

export function personId(): string | null {
  return current?.personId ?? null;
}

export function start(tokens: Tokens): void {
  current = {
    accessToken: tokens.accessToken,
    expiresAt: tokens.expiresAt,
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshExpiresAt,
    personId: tokens.personId,
    cardId: tokens.cardId,
  };
  setAccessToken(tokens.accessToken);
  const stored: Stored = { refreshToken: tokens.refreshToken, refreshExpiresAt: tokens.refreshExpiresAt, personId: tokens.personId, cardId: tokens.cardId };
  sessionStorage.setItem(storageKey, JSON.stringify(stored));
  scheduleRefresh();
  resetIdle();
}

/** After a reload in the same tab: a fresh access token from the stored refresh token, if it still works. */
export async function resume(): Promise<boolean> {
  const text = sessionStorage.getItem(storageKey);
  if (!text) {
    return false;
  }
  try {
    const stored = JSON.parse(text) as Stored;
    start(unwrap(await api.POST("/v1/portal/sessions/refresh", { body: { refreshToken: stored.refreshToken } })));
    return true;
  } catch {
    forget();
    return false;
  }
}

/** Rotates the refresh token and renews the access token. */
export async function refresh(): Promise<void> {
  if (!current) {
    return;
  }
  try {
    start(unwrap(await api.POST("/v1/portal/sessions/refresh", { body: { refreshToken: current.refreshToken } })));
  } catch {
    end("expired");
  }
}

export async function logout(): Promise<void> {
  if (current) {
    // The session ends on the server even if this tab is gone afterwards; a failure still ends it here.
    await api.DELETE("/v1/portal/sessions/current").catch(() => undefined);
  }
  end("logout");
}

export function end(reason: "logout" | "expired"): void {
  forget();
  onEnded(reason);
}

function forget(): void {
  current = null;
  setAccessToken(null);
  sessionStorage.removeItem(storageKey);
  window.clearTimeout(refreshTimer);
  window.clearTimeout(idleTimer);
  window.clearInterval(warningTimer);
  const dialog = byId<HTMLDialogElement>("session-dialog");
  if (dialog.open) {
    dialog.close();
  }
}

function scheduleRefresh(): void {
  window.clearTimeout(refreshTimer);
  if (!current) {
    return;
  }
  const due = new Date(current.expiresAt).getTime() - Date.now() - 60_000;
  refreshTimer = window.setTimeout(() => void refresh(), Math.max(5_000, due));
}

export function idleSeconds(): number {
  const configured = Number(localStorage.getItem(idleKey));
  return Number.isFinite(configured) && configured >= 20 ? configured : defaultIdleSeconds;
}

function warningSeconds(): number {
  return Math.min(120, Math.floor(idleSeconds() / 2));
}

/** Activity keeps the session; only while the warning is open does it take the button. */
export function activity(): void {
  if (current && !byId<HTMLDialogElement>("session-dialog").open) {
    resetIdle();
  }
}

function resetIdle(): void {
  window.clearTimeout(idleTimer);
  idleTimer = window.setTimeout(warn, (idleSeconds() - warningSeconds()) * 1000);
}

function warn(): void {
  const dialog = byId<HTMLDialogElement>("session-dialog");
  let left = warningSeconds();
  const text = h("p", { id: "session-dialog-text" }, t("sessionWarningText", { seconds: left }));
  const extend = h("button", {
    type: "button",
    onclick: async () => {
      window.clearInterval(warningTimer);
      dialog.close();
      await refresh();
      if (current) {
        announce(t("sessionExtended"));
      }
    },
  }, t("sessionExtend"));
  const leave = h("button", { type: "button", class: "secondary", onclick: () => void logout() }, t("logout"));
  clear(dialog);
  dialog.append(h("h2", { id: "session-dialog-title" }, t("sessionWarningTitle")), text, h("div", { class: "actions" }, extend, leave));
  dialog.showModal();
  extend.focus();
  window.clearInterval(warningTimer);
  warningTimer = window.setInterval(() => {
    left -= 1;
    if (left <= 0) {
      window.clearInterval(warningTimer);
      end("expired");
    } else if (left % 15 === 0) {
      // Updated now and then, not every second: a screen reader is not flooded.
      text.textContent = t("sessionWarningText", { seconds: left });
    }
  }, 1000);
}
