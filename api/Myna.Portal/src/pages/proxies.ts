// Proxies: who may act for the resident and with which rights; appoint and remove.
import { api, unwrap, type Schemas } from "../api";
import { announce, facts, h, uid } from "../dom";
import { formatDateTime, t, tOr } from "../i18n";
import { commandButton, heading, isUuid, markField, showProblem } from "../ui";

const rights = ["view", "card-loss", "manage-consents"] as const;

export async function proxiesPage(rerender: () => void): Promise<HTMLElement[]> {
  const proxies = unwrap(await api.GET("/v1/me/proxies"));
  const problems = h("div");
  const items = proxies.map((p) => proxy(p, problems, rerender));
  return [
    heading("proxiesTitle"),
    h("p", null, t("proxiesIntro")),
    problems,
    items.length === 0 ? h("p", null, t("proxiesNone")) : h("ul", { class: "items" }, ...items),
    appointForm(problems, rerender),
  ];
}

function proxy(p: Schemas["ProxyResponse"], problems: HTMLElement, rerender: () => void): HTMLLIElement {
  const remove = commandButton(t("proxyRemove"), `${t("proxyRemove")}: ${p.proxyPersonId}`, problems,
    async () => unwrap(await api.DELETE("/v1/me/proxies/{proxyPersonId}", { params: { path: { proxyPersonId: p.proxyPersonId } } })),
    t("proxyRemoved"), rerender);
  return h("li", null,
    h("p", null, h("span", { class: "code" }, p.proxyPersonId)),
    facts([
      [t("proxyRights"), p.rights.map((r) => tOr(`right_${r}`, r)).join(", ")],
      [t("proxyAppointedAt"), formatDateTime(p.appointedAt)],
    ]),
    h("div", { class: "actions" }, remove));
}

function appointForm(problems: HTMLElement, rerender: () => void): HTMLElement {
  const hint = uid("hint");
  const error = uid("error");
  const person = h("input", { type: "text", id: "proxy-person", name: "proxyPersonId", autocomplete: "off", spellcheck: "false", "aria-describedby": `${hint} ${error}`, required: true });
  const message = h("span", { id: error, class: "hint" });
  const boxes = rights.map((r) => h("input", { type: "checkbox", id: `right-${r}`, name: "rights", value: r, checked: r === "view" }));
  const form = h("form", { novalidate: true, "aria-labelledby": "appoint-title" },
    h("h2", { id: "appoint-title" }, t("proxyAppoint")),
    h("label", { for: "proxy-person" }, t("proxyPersonId"), h("span", { id: hint, class: "hint" }, t("proxyPersonIdHint"))),
    person, message,
    h("fieldset", null, h("legend", null, t("proxyRights")),
      h("div", { class: "checks" }, ...boxes.map((box, i) => h("label", { for: box.id }, box, tOr(`right_${rights[i]}`, rights[i] ?? ""))))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("proxyAppoint"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = person.value.trim();
    const ok = isUuid(id);
    markField(person, message, ok, t("invalidId"));
    if (!ok) {
      person.focus();
      return;
    }
    showProblem(problems, null);
    try {
      unwrap(await api.POST("/v1/me/proxies", {
        body: { proxyPersonId: id, rights: boxes.filter((b) => b.checked).map((b) => b.value as Schemas["ProxyRight"]) },
      }));
      announce(t("proxyAppointed"));
      rerender();
    } catch (e) {
      showProblem(problems, e);
    }
  });
  return form;
}
