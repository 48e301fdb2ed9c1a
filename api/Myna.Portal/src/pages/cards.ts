// The resident's cards: status, expiry, certificates, and the loss report (the card is suspended at once).
import { api, unwrap, type Schemas } from "../api";
import { announce, facts, h } from "../dom";
import { formatDate, t, tOr } from "../i18n";
import { confirm, heading, showProblem } from "../ui";

export async function cardsPage(rerender: () => void): Promise<HTMLElement[]> {
  const me = unwrap(await api.GET("/v1/me"));
  const problems = h("div");
  const items = me.cards.map((card) => cardItem(card, problems, rerender));
  return [heading("cardsTitle"), problems, items.length === 0 ? h("p", null, t("cardsNone")) : h("ul", { class: "items" }, ...items)];
}

function cardItem(card: Schemas["CardResponse"], problems: HTMLElement, rerender: () => void): HTMLLIElement {
  const report = h("button", { type: "button", class: "danger", id: `report-${card.id}` }, t("cardReportLost"));
  report.addEventListener("click", async () => {
    if (!(await confirm("cardLossConfirmTitle", "cardLossConfirmText", "cardLossConfirm"))) {
      return;
    }
    report.disabled = true;
    showProblem(problems, null);
    try {
      unwrap(await api.POST("/v1/me/cards/{cardId}/loss-report", { params: { path: { cardId: card.id } } }));
      announce(t("cardLost"));
      sessionStorage.setItem("myna.portal.flash", t("cardLost"));
      rerender();
    } catch (error) {
      showProblem(problems, error);
      report.disabled = false;
    }
  });
  return h("li", null,
    h("p", null, h("span", { class: "code" }, card.id), " ", h("span", { class: "badge", "data-status": card.status }, tOr(`status_${card.status}`, card.status))),
    facts([
      [t("cardStatus"), tOr(`status_${card.status}`, card.status)],
      [t("cardExpires"), card.expiresOn ? formatDate(card.expiresOn) : ""],
      [t("cardCertificates"), card.certificates.map((c) => `${tOr(`cert_${c.kind}`, c.kind)} (${tOr(`certstatus_${c.status}`, c.status)})`).join(", ")],
    ]),
    card.status === "active" ? h("div", { class: "actions" }, report) : null);
}
