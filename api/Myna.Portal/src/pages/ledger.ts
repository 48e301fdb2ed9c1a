// The access ledger: who read the resident's data, newest first, filtered by kind and dates, paged with "older".
import { api, unwrap, type Schemas } from "../api";
import { announce, facts, h } from "../dom";
import { formatDateTime, t, tOr } from "../i18n";
import { heading, showProblem } from "../ui";

const kinds = ["institution", "agency", "app", "proxy", "resident"] as const;
const pageSize = 20;

export function ledgerPage(): HTMLElement[] {
  const problems = h("div");
  const list = h("ol", { class: "items", id: "ledger-entries", "aria-labelledby": "page-title" });
  const summary = h("p", { id: "ledger-summary" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("ledgerMore"));
  const boxes = kinds.map((kind) => h("input", { type: "checkbox", id: `kind-${kind}`, name: "kind", value: kind }));
  const from = h("input", { type: "date", id: "ledger-from", name: "from" });
  const to = h("input", { type: "date", id: "ledger-to", name: "to" });
  const form = h("form", { "aria-label": t("ledgerFilters") },
    h("fieldset", null, h("legend", null, t("ledgerKinds")),
      h("div", { class: "checks" }, ...boxes.map((box, i) => h("label", { for: box.id }, box, tOr(`kind_${kinds[i]}`, kinds[i] ?? ""))))),
    h("label", { for: "ledger-from" }, t("ledgerFrom")), from,
    h("label", { for: "ledger-to" }, t("ledgerTo")), to,
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("ledgerApply"))));

  let next: number | null = null;
  let shown = 0;
  const load = async (fresh: boolean) => {
    showProblem(problems, null);
    list.setAttribute("aria-busy", "true");
    if (fresh) {
      list.replaceChildren();
      shown = 0;
      next = null;
    }
    const selected = boxes.filter((b) => b.checked).map((b) => b.value);
    try {
      const page = unwrap(await api.GET("/v1/me/access-log", {
        params: {
          query: {
            kind: selected.length > 0 ? selected.join(",") : undefined,
            from: from.value ? new Date(`${from.value}T00:00:00`).toISOString() : undefined,
            to: to.value ? new Date(`${to.value}T23:59:59.999`).toISOString() : undefined,
            before: next ?? undefined,
            limit: pageSize,
          },
        },
      }));
      const firstNew = page.entries.length > 0 ? entry(page.entries[0]!) : null;
      if (firstNew) {
        list.append(firstNew, ...page.entries.slice(1).map(entry));
      }
      shown += page.entries.length;
      next = page.next === null ? null : Number(page.next);
      more.hidden = next === null;
      summary.textContent = shown === 0 ? t("ledgerEmpty") : t("ledgerShowing", { count: shown });
      announce(summary.textContent);
      if (!fresh && firstNew) {
        // Keyboard users continue where the new entries begin.
        firstNew.focus();
      }
    } catch (error) {
      showProblem(problems, error);
    } finally {
      list.removeAttribute("aria-busy");
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void load(true);
  });
  more.addEventListener("click", () => void load(false));
  void load(true);
  return [heading("ledgerTitle"), h("p", null, t("ledgerIntro")), form, problems, summary, list, h("div", { class: "actions" }, more)];
}

function entry(e: Schemas["LedgerEntryResponse"]): HTMLLIElement {
  return h("li", { tabindex: "-1" },
    h("p", null, h("strong", null, formatDateTime(e.at)), " ", h("span", { class: "badge" }, tOr(`kind_${e.accessorKind}`, e.accessorKind)),
      e.refused ? h("span", { class: "badge" }, t("ledgerRefused")) : null),
    facts([
      [t("ledgerWho"), e.accessor],
      [t("ledgerWhat"), e.what],
      [t("ledgerPurpose"), e.purpose],
    ]));
}
