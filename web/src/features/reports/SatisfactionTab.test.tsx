// Reports › Satisfaction: the CSAT score and its figures with the previous
// period's, the ratings 5 to 1 (a rating nobody gave is a bar of 0), each
// agent by name, the newest comments linking to their conversations, the
// CSV export with the filters; and, when nothing was sent, why and where
// to turn the survey on.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { SatisfactionReport } from "./SatisfactionTab";
import type { Filters } from "./filters";
import type { components } from "../../lib/api-types";
import { json } from "../../test/http";

type Satisfaction = components["schemas"]["ReportSatisfaction"];

const f: Filters = { from: "2026-03-01", to: "2026-03-31", business: false, compare: true };
let surveyOn: boolean;
let role: string;
let report: { current: Satisfaction; previous?: Satisfaction };
let asked: string[];

const empty: Satisfaction = { sent: 0, responses: 0, response_rate_pct: 0, average: 0, satisfied: 0, score_pct: 0, ratings: [], by_user: [], comments: [] };

beforeEach(() => {
  surveyOn = true;
  role = "manager";
  asked = [];
  report = {
    current: {
      sent: 20,
      responses: 10,
      response_rate_pct: 50,
      average: 4.2,
      satisfied: 8,
      score_pct: 80,
      ratings: [
        { key: "2", count: 1 },
        { key: "3", count: 1 },
        { key: "4", count: 4 },
        { key: "5", count: 4 },
      ],
      by_user: [
        { id: 2, responses: 7, average: 4.5, satisfied: 6, score_pct: 85.71 },
        { id: 0, responses: 3, average: 3.5, satisfied: 2, score_pct: 66.67 },
      ],
      comments: [
        { conversation_id: 41, contact_id: 9, contact_name: "Ada Lovelace", assignee_id: 2, rating: 5, comment: "Quick and <b>kind</b>", rated_at: "2026-03-20T10:00:00Z" },
        { conversation_id: 40, contact_id: 8, contact_name: "", assignee_id: 0, rating: 2, comment: "Slow", rated_at: "2026-03-19T10:00:00Z" },
      ],
    },
    previous: { ...empty, sent: 10, responses: 4, response_rate_pct: 40, average: 3.5, satisfied: 2, score_pct: 50, ratings: [{ key: "5", count: 2 }] },
  };
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) => {
      asked.push(url);
      if (url === "/api/v1/me") {
        const workspace = { id: 1, name: "Acme", timezone: "UTC", satisfaction_survey: { enabled: surveyOn, message: "", available: false } };
        return json(200, { role, workspace, user: { id: 1, name: "Olga", team_ids: [] } });
      }
      if (url.startsWith("/api/v1/users")) return json(200, { data: [{ id: 2, name: "Ana" }] });
      if (url.startsWith("/api/v1/reports/satisfaction")) return json(200, { range: { from: f.from, to: f.to }, ...report });
      return json(200, { data: [] });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <SatisfactionReport f={f} /> : null;
}

function mount() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <SessionProvider>
        <MemoryRouter initialEntries={["/reports/satisfaction"]}>
          <SignedIn />
        </MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
}

const value = (id: string) => within(screen.getByTestId(`figure-${id}`)).getByTestId("figure-value").textContent;

it("shows the CSAT score, the ratings, each agent and the newest comments", async () => {
  mount();
  await screen.findByTestId("figure-csat-score");
  expect(value("csat-score")).toBe("80 %");
  expect(value("csat-average")).toBe("4.2");
  expect(value("csat-responses")).toBe("10");
  expect(value("csat-sent")).toBe("20");
  expect(value("csat-response-rate")).toBe("50 %");
  expect(within(screen.getByTestId("figure-csat-score")).getByTestId("figure-previous").textContent).toBe("▲ +60 % · was 50 %");
  expect(asked.find((u) => u.startsWith("/api/v1/reports/satisfaction"))).toBe("/api/v1/reports/satisfaction?from=2026-03-01&to=2026-03-31&compare=previous");

  const bars = within(screen.getByTestId("csat-ratings")).getAllByTestId("bar");
  expect(bars.map((b) => [b.dataset.key, b.dataset.count])).toEqual([["5", "4"], ["4", "4"], ["3", "1"], ["2", "1"], ["1", "0"]]);
  expect(bars[0]!.textContent).toContain("5 – Very satisfied");

  const rows = await screen.findAllByTestId("csat-agent-row");
  await within(rows[0]!).findByText("Ana");
  expect(rows[1]!.textContent).toContain("Nobody assigned");
  expect(rows[0]!.textContent).toContain("85.71 %");

  const comments = screen.getAllByTestId("csat-comment");
  expect(comments.map((c) => c.dataset.rating)).toEqual(["5", "2"]);
  const ada = within(comments[0]!).getByRole("link", { name: "Ada Lovelace" });
  expect(ada.getAttribute("href")).toBe("/inbox/all/41");
  expect(within(comments[0]!).getByRole("img", { name: "5 out of 5" })).toBeTruthy();
  expect(comments[0]!.textContent).toContain("Quick and <b>kind</b>"); // the contact's text, as text
  expect(comments[0]!.querySelector("b")).toBeNull();
  expect(comments[0]!.textContent).toContain("Agent: Ana");
  expect(within(comments[1]!).getByRole("link", { name: "Contact #8" }).getAttribute("href")).toBe("/inbox/all/40");

  const exports = screen.getAllByTestId("export-csv");
  expect(exports.length).toBe(3);
  expect(exports[0]!.getAttribute("href")).toBe("/api/v1/reports/satisfaction/export?from=2026-03-01&to=2026-03-31&compare=previous");
});

it("shows no score without a response, and no comment without one", async () => {
  report = { current: { ...empty, sent: 5, ratings: [] } };
  mount();
  await screen.findByTestId("figure-csat-score");
  expect(value("csat-score")).toBe("—");
  expect(value("csat-average")).toBe("—");
  expect(value("csat-response-rate")).toBe("0 %");
  expect(screen.getByText("No comment in this period.")).toBeTruthy();
});

it("says where to turn the survey on when it is off and nothing was sent", async () => {
  surveyOn = false;
  report = { current: empty };
  mount();
  const said = await screen.findByTestId("csat-empty");
  expect(said.textContent).toContain("The satisfaction survey is off");
  expect(screen.getByRole("link", { name: "Turn the survey on in Settings › Workspace" }).getAttribute("href")).toBe("/settings/workspace");
  expect(screen.queryByTestId("figure-csat-score")).toBeNull();
});

it("says nothing was closed when the survey is on and nothing was sent", async () => {
  report = { current: empty };
  mount();
  const said = await screen.findByTestId("csat-empty");
  expect(said.textContent).toContain("none was closed in this period");
  expect(screen.queryByTestId("csat-turn-on")).toBeNull();
});
