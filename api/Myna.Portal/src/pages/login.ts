// Login with the software card: a sealed portal-login challenge, signed in this browser, exchanged for tokens.
import { api, unwrap } from "../api";
import { h } from "../dom";
import { t } from "../i18n";
import { forgetCard, listCards, signChallenge, type SoftwareCard } from "../keystore";
import * as session from "../session";
import { heading, showProblem } from "../ui";

export async function loginPage(notice: string | null, rerender: () => void): Promise<HTMLElement[]> {
  const cards = await listCards();
  const problems = h("div");
  const parts: HTMLElement[] = [heading("loginTitle")];
  if (notice) {
    parts.push(h("div", { class: "notice", role: "status" }, h("p", null, notice)));
  }
  parts.push(h("p", null, t("loginIntro")), problems);
  if (cards.length === 0) {
    parts.push(h("p", null, t("loginNoCard")), h("p", null, h("a", { href: "#/setup" }, t("loginSetupLink"))));
    return parts;
  }
  const list = h("ul", { class: "items" });
  for (const card of cards) {
    const button = h("button", { type: "button", onclick: () => void login(card, button, problems) }, t("loginButton"));
    const forget = h("button", {
      type: "button",
      class: "secondary",
      onclick: async () => {
        await forgetCard(card.cardId);
        rerender();
      },
    }, t("loginForget"));
    list.append(h("li", null, h("p", null, `${t("loginCardLabel")}: `, h("span", { class: "code" }, card.cardId)), h("div", { class: "actions" }, button, forget)));
  }
  parts.push(list, h("p", null, h("a", { href: "#/setup" }, t("loginSetupLink"))));
  return parts;
}

async function login(card: SoftwareCard, button: HTMLButtonElement, problems: HTMLElement): Promise<void> {
  button.disabled = true;
  showProblem(problems, null);
  try {
    const issued = unwrap(await api.POST("/v1/auth/challenges", { body: { purpose: "portal-login", audience: "portal" } }));
    const challenge = issued.challenge ?? "";
    const signature = await signChallenge(card.userAuthentication, challenge);
    const tokens = unwrap(await api.POST("/v1/portal/sessions", {
      body: { challenge, certificateSerial: card.serial, signature, cardId: card.cardId },
    }));
    session.start(tokens);
    location.hash = "#/me";
  } catch (error) {
    showProblem(problems, error);
    button.disabled = false;
  }
}
