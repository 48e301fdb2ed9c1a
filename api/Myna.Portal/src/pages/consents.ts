// Consents: apps the resident let read some items (revocable here) and consents given at clinic reception.
import { api, unwrap, type Schemas } from "../api";
import { facts, h } from "../dom";
import { formatDateTime, t } from "../i18n";
import { commandButton, heading } from "../ui";

export async function consentsPage(rerender: () => void): Promise<HTMLElement[]> {
  const consents = unwrap(await api.GET("/v1/me/consents"));
  const problems = h("div");
  return [
    heading("consentsTitle"),
    problems,
    h("h2", null, t("consentsApps")),
    list(consents.apps.map((app) => appConsent(app, problems, rerender))),
    h("h2", null, t("consentsClinics")),
    list(consents.clinics.map(clinicConsent)),
  ];
}

function list(items: HTMLLIElement[]): HTMLElement {
  return items.length === 0 ? h("p", null, t("consentsNone")) : h("ul", { class: "items" }, ...items);
}

function appConsent(app: Schemas["AppConsentResponse"], problems: HTMLElement, rerender: () => void): HTMLLIElement {
  const revoke = commandButton(t("consentRevoke"), `${t("consentRevoke")}: ${app.appName}`, problems,
    async () => unwrap(await api.POST("/v1/me/app-consents/{consentId}/revocation", { params: { path: { consentId: app.consentId } } })),
    t("consentRevoked"), rerender);
  return h("li", null,
    h("p", null, h("strong", null, app.appName), " ", h("span", { class: "badge" }, app.active ? t("consentActive") : t("consentInactive"))),
    facts([
      [t("consentItems"), app.items.join(", ")],
      [t("consentValidUntil"), formatDateTime(app.validUntil)],
    ]),
    app.active ? h("div", { class: "actions" }, revoke) : null);
}

function clinicConsent(clinic: Schemas["ClinicConsentResponse"]): HTMLLIElement {
  return h("li", null,
    h("p", null, h("strong", null, clinic.institution), " ", h("span", { class: "badge" }, clinic.active ? t("consentActive") : t("consentInactive"))),
    facts([
      [t("consentItems"), clinic.scopes.join(", ")],
      [t("consentValidUntil"), formatDateTime(clinic.validUntil)],
    ]));
}
