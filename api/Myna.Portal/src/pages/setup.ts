// Development only: this browser becomes the chip of a test card. It makes two key pairs, proves them over the
// counter's key-proof challenge (as a clerk's terminal does at handover) and the card is handed over with them.
import { api, unwrap } from "../api";
import { announce, h, uid } from "../dom";
import { t } from "../i18n";
import { newKeyPair, publicKeyBase64, saveCard, signChallenge } from "../keystore";
import { heading, isUuid, markField, showProblem } from "../ui";

export function setupPage(): HTMLElement[] {
  const problems = h("div");
  const cardHint = uid("hint");
  const cardError = uid("error");
  const municipalityHint = uid("hint");
  const municipalityError = uid("error");
  const card = h("input", { id: "setup-card", name: "cardId", type: "text", autocomplete: "off", spellcheck: "false", "aria-describedby": `${cardHint} ${cardError}`, required: true });
  const municipality = h("input", { id: "setup-municipality", name: "municipality", type: "text", inputmode: "numeric", autocomplete: "off", value: "131016", "aria-describedby": `${municipalityHint} ${municipalityError}`, required: true });
  const cardMessage = h("span", { id: cardError, class: "hint" });
  const municipalityMessage = h("span", { id: municipalityError, class: "hint" });
  const submit = h("button", { type: "submit" }, t("setupButton"));
  const form = h("form", { novalidate: true },
    h("label", { for: "setup-card" }, t("setupCardId"), h("span", { id: cardHint, class: "hint" }, t("setupCardIdHint"))),
    card, cardMessage,
    h("label", { for: "setup-municipality" }, t("setupMunicipality"), h("span", { id: municipalityHint, class: "hint" }, t("setupMunicipalityHint"))),
    municipality, municipalityMessage,
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const cardId = card.value.trim();
    const code = municipality.value.trim();
    const cardOk = isUuid(cardId);
    const codeOk = /^\d{6}$/.test(code);
    markField(card, cardMessage, cardOk, t("setupInvalidCard"));
    markField(municipality, municipalityMessage, codeOk, t("setupInvalidMunicipality"));
    if (!cardOk) {
      card.focus();
      return;
    }
    if (!codeOk) {
      municipality.focus();
      return;
    }
    void register(cardId, code, submit, problems);
  });
  return [heading("setupTitle"), h("p", null, t("setupIntro")), h("p", { class: "notice" }, t("setupSeedHint")), problems, form];
}

async function register(cardId: string, municipality: string, submit: HTMLButtonElement, problems: HTMLElement): Promise<void> {
  submit.disabled = true;
  showProblem(problems, null);
  try {
    // The counter: a Development clerk token of the card's municipality (POST /dev/tokens is not mapped elsewhere).
    const token = await api.POST("/dev/tokens", {
      body: { subject: "portal-dev-counter", role: "municipality", scope: { municipality }, lifetimeMinutes: 5 },
    });
    if (token.response.status === 404) {
      problems.append(h("div", { class: "problem", role: "alert" }, h("p", null, t("setupNotDevelopment"))));
      submit.disabled = false;
      return;
    }
    const clerk = { Authorization: `Bearer ${unwrap(token).accessToken}` };
    const path = { cardId };
    const challenge = unwrap(await api.POST("/v1/cards/{cardId}/counter-challenges", {
      params: { path }, headers: clerk, body: { purpose: "key-proof" },
    })).challenge;
    const userAuthentication = await newKeyPair();
    const signature = await newKeyPair();
    const card = unwrap(await api.POST("/v1/cards/{cardId}/handover", {
      params: { path },
      headers: clerk,
      body: {
        proxyReason: null,
        pinsSet: true,
        userAuthenticationPublicKey: await publicKeyBase64(userAuthentication),
        signaturePublicKey: await publicKeyBase64(signature),
        userAuthenticationKeyProof: { challenge, signature: await signChallenge(userAuthentication, challenge) },
        signatureKeyProof: { challenge, signature: await signChallenge(signature, challenge) },
      },
    }));
    const serial = card.certificates.find((c) => c.kind === "user-authentication")?.serial;
    if (!serial) {
      throw new Error("the handed-over card has no user-authentication certificate");
    }
    await saveCard({ cardId, serial, userAuthentication, signature, createdAt: new Date().toISOString() });
    announce(t("setupDone"));
    location.hash = "#/login?ready=1";
  } catch (error) {
    showProblem(problems, error);
    submit.disabled = false;
  }
}
