// Shared pieces of every page: the heading, problems, confirmations.
import { ProblemError, type Problem } from "./api";
import { announce, byId, clear, h } from "./dom";
import { t, type MessageKey } from "./i18n";

export function heading(key: MessageKey): HTMLHeadingElement {
  return h("h1", { tabindex: "-1", id: "page-title" }, t(key));
}

/** A problem the API answered (its localised title and detail, and its stable code), read out at once. */
export function problemBox(problem: Problem): HTMLElement {
  return h("div", { class: "problem", role: "alert" },
    h("p", null, h("strong", null, problem.title ?? t("problemNetwork"))),
    problem.detail ? h("p", null, problem.detail) : null,
    problem.code ? h("p", { class: "code" }, `${t("problemCode")}: `, h("span", { lang: "en" }, problem.code)) : null);
}

export function toProblem(error: unknown): Problem {
  return error instanceof ProblemError ? error.problem : { title: t("problemNetwork") };
}

/** Puts a problem (or nothing) into a slot. */
export function showProblem(slot: HTMLElement, error: unknown | null): void {
  clear(slot);
  if (error !== null) {
    slot.append(problemBox(toProblem(error)));
  }
}

/** A modal confirmation: resolves true when the person confirms. Focus returns to where it was. */
export function confirm(titleKey: MessageKey, textKey: MessageKey, confirmKey: MessageKey): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>("confirm-dialog");
  const opener = document.activeElement as HTMLElement | null;
  const listeners = new AbortController();
  return new Promise((resolve) => {
    const done = (answer: boolean) => {
      listeners.abort();
      dialog.close();
      opener?.focus();
      resolve(answer);
    };
    const yes = h("button", { type: "button", class: "danger", onclick: () => done(true) }, t(confirmKey));
    const no = h("button", { type: "button", class: "secondary", onclick: () => done(false) }, t("cancel"));
    clear(dialog);
    dialog.append(h("h2", { id: "confirm-dialog-title" }, t(titleKey)), h("p", { id: "confirm-dialog-text" }, t(textKey)), h("div", { class: "actions" }, yes, no));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      done(false);
    }, { signal: listeners.signal });
    dialog.showModal();
    no.focus();
  });
}

/**
 * A button that runs one command: disabled while it runs, the problem shown if it fails, the outcome
 * announced and the page drawn again if it succeeds.
 */
export function commandButton(label: string, accessibleName: string, problems: HTMLElement, command: () => Promise<unknown>, done: string, rerender: () => void): HTMLButtonElement {
  const button = h("button", { type: "button", class: "secondary", "aria-label": accessibleName }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    showProblem(problems, null);
    try {
      await command();
      announce(done);
      rerender();
    } catch (error) {
      showProblem(problems, error);
      button.disabled = false;
    }
  });
  return button;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID as the API's ids are written (8-4-4-4-12 hexadecimal digits). */
export function isUuid(text: string): boolean {
  return uuidPattern.test(text);
}

/** Marks a field valid or not, with its message in the element its aria-describedby names. */
export function markField(input: HTMLInputElement, message: HTMLElement, ok: boolean, text: string): void {
  input.setAttribute("aria-invalid", ok ? "false" : "true");
  message.textContent = ok ? "" : text;
}
