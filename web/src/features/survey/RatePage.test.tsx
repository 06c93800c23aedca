// The contact's rating page: signed out, it reads the survey of the link's
// token, takes a rating of 1 to 5 with a comment, thanks the contact with
// their rating and lets them change it; a wrong or expired link and a
// server out of reach each say so.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import i18n from "../../lib/i18n";
import RatePage from "./RatePage";
import { json } from "../../test/http";

interface Call {
  method: string;
  url: string;
  body?: unknown;
}
let calls: Call[];
let view: { workspace_name: string; rating: number; comment: string; rated_at: string | null; expired: boolean };
/** What the next POST answers instead of the view, once. */
let refusal: { status: number; body: unknown } | null;
let getStatus: number;

beforeEach(() => {
  calls = [];
  view = { workspace_name: "Acme Support", rating: 0, comment: "", rated_at: null, expired: false };
  refusal = null;
  getStatus = 200;
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const body = typeof init.body === "string" ? (JSON.parse(init.body) as { rating: number; comment: string }) : undefined;
      calls.push({ method, url, body });
      if (!url.startsWith("/api/v1/surveys/svy_abc")) return json(404, { error: { code: "not_found", message: "survey not found" } });
      if (method === "GET") {
        if (getStatus === 404) return json(404, { error: { code: "not_found", message: "survey not found" } });
        if (getStatus !== 200) return json(getStatus, { error: { code: "internal", message: "internal error" } });
        return json(200, view);
      }
      if (refusal) {
        const r = refusal;
        refusal = null;
        return json(r.status, r.body);
      }
      view = { ...view, rating: body!.rating, comment: body!.comment, rated_at: "2026-03-02T10:00:00Z" };
      return json(200, view);
    }),
  );
});

afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

function open(path = "/rate/svy_abc") {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <RatePage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const state = () => screen.getByTestId("rate-page").dataset.state;

it("takes a rating with a comment, then thanks the contact with their rating", async () => {
  open();
  expect(state()).toBe("loading");
  expect((await screen.findByTestId("rate-workspace")).textContent).toBe("Your conversation with Acme Support");
  const choices = screen.getByRole("group", { name: "How would you rate this conversation?" });
  const satisfied = within(choices).getByRole("button", { name: "Satisfied" });
  expect(within(choices).getAllByRole("button").map((b) => b.textContent)).toEqual([
    "Very dissatisfied",
    "Dissatisfied",
    "Neutral",
    "Satisfied",
    "Very satisfied",
  ]);
  expect(satisfied.getAttribute("aria-pressed")).toBe("false");
  fireEvent.click(satisfied);
  expect(satisfied.getAttribute("aria-pressed")).toBe("true");
  expect(screen.getByTestId("rate-5").getAttribute("aria-pressed")).toBe("false");
  fireEvent.change(screen.getByLabelText("Anything to add? (optional)"), { target: { value: "  Quick and kind " } });
  fireEvent.click(screen.getByRole("button", { name: "Send" }));
  const thanks = await screen.findByTestId("rate-thanks");
  expect(state()).toBe("thanks");
  expect(within(thanks).getByRole("heading").textContent).toBe("Thank you!");
  expect(screen.getByTestId("rate-your-rating").textContent).toBe("Your rating: Satisfied (4/5)");
  expect(thanks.textContent).toContain("“Quick and kind”");
  expect(calls.filter((c) => c.method === "POST")).toEqual([{ method: "POST", url: "/api/v1/surveys/svy_abc", body: { rating: 4, comment: "Quick and kind" } }]);
});

it("asks for a rating before sending anything", async () => {
  open();
  fireEvent.click(await screen.findByRole("button", { name: "Send" }));
  expect((await screen.findByRole("alert")).textContent).toBe("Choose a rating from 1 to 5 first.");
  expect(calls.filter((c) => c.method === "POST")).toEqual([]);
});

it("lets the contact change a rating given, starting from it", async () => {
  view = { ...view, rating: 2, comment: "Slow", rated_at: "2026-03-01T10:00:00Z" };
  open();
  expect((await screen.findByTestId("rate-your-rating")).textContent).toBe("Your rating: Dissatisfied (2/5)");
  fireEvent.click(screen.getByRole("button", { name: "Change my rating" }));
  expect(screen.getByTestId("rate-2").getAttribute("aria-pressed")).toBe("true");
  expect((screen.getByTestId("rate-comment") as HTMLTextAreaElement).value).toBe("Slow");
  // Cancel goes back to the rating as it was.
  fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
  expect(state()).toBe("thanks");
  fireEvent.click(screen.getByRole("button", { name: "Change my rating" }));
  fireEvent.click(screen.getByRole("button", { name: "Very satisfied" }));
  fireEvent.click(screen.getByRole("button", { name: "Send" }));
  expect((await screen.findByTestId("rate-your-rating")).textContent).toBe("Your rating: Very satisfied (5/5)");
  expect(calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([{ rating: 5, comment: "Slow" }]);
});

it("says an expired survey takes no rating, and shows the one given", async () => {
  view = { ...view, rating: 3, comment: "", rated_at: "2026-03-01T10:00:00Z", expired: true };
  open();
  expect(await screen.findByText("This survey has closed")).toBeTruthy();
  expect(state()).toBe("expired");
  expect(screen.getByTestId("rate-your-rating").textContent).toBe("Your rating: Neutral (3/5)");
  expect(screen.queryByRole("button", { name: "Change my rating" })).toBeNull();
  expect(screen.queryByTestId("rate-form")).toBeNull();
});

it("says so when the link expires while the contact is choosing", async () => {
  open();
  fireEvent.click(await screen.findByTestId("rate-1"));
  refusal = { status: 410, body: { error: { code: "survey_expired", message: "this survey's link has expired" } } };
  view = { ...view, expired: true };
  fireEvent.click(screen.getByTestId("rate-send"));
  expect(await screen.findByText("This survey has closed")).toBeTruthy();
  expect(screen.queryByTestId("rate-your-rating")).toBeNull();
});

it("shows the server's refusal of a comment and keeps what was typed", async () => {
  open();
  fireEvent.click(await screen.findByTestId("rate-4"));
  fireEvent.change(screen.getByTestId("rate-comment"), { target: { value: "Long" } });
  refusal = { status: 422, body: { error: { code: "invalid", field: "comment", message: "comment: must be at most 2000 characters" } } };
  fireEvent.click(screen.getByTestId("rate-send"));
  expect((await screen.findByTestId("rate-form-error")).textContent).toBe("Must be at most 2000 characters");
  expect((screen.getByTestId("rate-comment") as HTMLTextAreaElement).value).toBe("Long");
  expect(state()).toBe("form");
});

it("says when the answer has changed too often to change again", async () => {
  open();
  fireEvent.click(await screen.findByTestId("rate-3"));
  refusal = { status: 409, body: { error: { code: "survey_answered_too_often", message: "this survey's answer has changed too many times to change again" } } };
  fireEvent.click(screen.getByTestId("rate-send"));
  expect((await screen.findByTestId("rate-form-error")).textContent).toBe("Your answer has changed too many times to change again: the team has your last one.");
  expect(state()).toBe("form");
});

it("says a wrong link does not work", async () => {
  getStatus = 404;
  open();
  expect(await screen.findByText("This link does not work")).toBeTruthy();
  expect(state()).toBe("unknown");
  expect(calls).toEqual([{ method: "GET", url: "/api/v1/surveys/svy_abc", body: undefined }]); // asked once, not again
});

it("offers to try again when the server fails", async () => {
  getStatus = 500;
  open();
  expect(await screen.findByText("The survey could not be loaded")).toBeTruthy();
  getStatus = 200;
  fireEvent.click(screen.getByRole("button", { name: "Try again" }));
  expect(await screen.findByRole("group", { name: "How would you rate this conversation?" })).toBeTruthy();
});

it("speaks the language the app picked", async () => {
  await i18n.changeLanguage("fr");
  open();
  expect(await screen.findByRole("group", { name: "Comment évaluez-vous cette conversation ?" })).toBeTruthy();
  expect(screen.getByTestId("rate-4").textContent).toBe("Satisfait");
});
