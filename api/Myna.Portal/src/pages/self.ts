// Self-information: the basic four items, the masked number and its logged reveal, insurance, last login.
import { api, unwrap, type Schemas } from "../api";
import { announce, facts, h } from "../dom";
import { formatDate, formatDateTime, t, tOr } from "../i18n";
import { heading, showProblem } from "../ui";

export async function selfPage(): Promise<HTMLElement[]> {
  const me = unwrap(await api.GET("/v1/me"));
  const problems = h("div");
  const number = h("span", { class: "number", id: "individual-number" }, me.individualNumber ? spaced(me.individualNumber) : t("selfNoNumber"));
  const note = h("span", { class: "hint", id: "number-note" }, t("selfNumberMaskedNote"));
  const toggle = h("button", { type: "button", class: "secondary", "aria-describedby": "number-note" }, t("selfReveal"));
  let revealed = false;
  toggle.addEventListener("click", async () => {
    showProblem(problems, null);
    if (revealed) {
      number.textContent = spaced(me.individualNumber ?? "");
      toggle.textContent = t("selfReveal");
      note.textContent = t("selfNumberMaskedNote");
      revealed = false;
      return;
    }
    toggle.disabled = true;
    try {
      const shown = unwrap(await api.POST("/v1/me/individual-number/reveal"));
      number.textContent = spaced(shown.individualNumber);
      toggle.textContent = t("selfHide");
      note.textContent = t("selfRevealed");
      announce(t("selfRevealed"));
      revealed = true;
    } catch (error) {
      showProblem(problems, error);
    } finally {
      toggle.disabled = false;
    }
  });
  const numberBlock = h("div", null, number, " ", me.individualNumber ? toggle : null, h("br"), note);
  return [
    heading("selfTitle"),
    problems,
    facts([
      [t("selfName"), me.name],
      [t("selfAddress"), me.address],
      [t("selfBirth"), formatDate(me.dateOfBirth)],
      [t("selfSex"), tOr(me.sex, me.sex)],
      [t("selfMunicipality"), me.municipality],
      [t("selfNumber"), numberBlock],
      [t("selfLastLogin"), me.lastLoginAt ? formatDateTime(me.lastLoginAt) : t("selfNever")],
    ]),
    h("h2", null, t("selfInsurance")),
    insurance(me.insurance ?? null),
  ];
}

/** Groups of four digits, masked ones as bullets: easier to read and to read aloud. */
function spaced(value: string): string {
  return value.replace(/\*/g, "•").replace(/(.{4})(?=.)/g, "$1 ");
}

function insurance(value: Schemas["InsuranceResponse"] | null): HTMLElement {
  if (!value || value.qualifications.length === 0) {
    return h("p", null, t("selfNoInsurance"));
  }
  const list = h("ul", { class: "items" });
  for (const q of value.qualifications) {
    list.append(h("li", null, facts([
      [t("insInsurer"), q.insurerNumber],
      [t("insInsuredId"), `${q.symbol} ${q.insuredNumber} ${q.branch}`.trim()],
      [t("insValid"), `${formatDate(q.validFrom)} – ${q.validUntil ? formatDate(q.validUntil) : ""}`],
    ])));
  }
  return list;
}
