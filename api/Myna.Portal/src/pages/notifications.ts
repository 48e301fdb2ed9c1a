// Notifications: card and certificate expiry, insurance changes, logins from a new place, expiring consents.
import { api, unwrap } from "../api";
import { h } from "../dom";
import { formatDateTime, t } from "../i18n";
import { heading } from "../ui";

export async function notificationsPage(): Promise<HTMLElement[]> {
  const notifications = unwrap(await api.GET("/v1/me/notifications"));
  const items = notifications.map((n) =>
    h("li", null, h("p", null, h("strong", null, formatDateTime(n.at)), " ", h("span", { class: "badge", lang: "en" }, n.kind)), h("p", null, n.detail)));
  return [heading("notificationsTitle"), items.length === 0 ? h("p", null, t("notificationsNone")) : h("ul", { class: "items" }, ...items)];
}
