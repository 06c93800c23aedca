// Reports › Satisfaction: the CSAT score and its figures with the previous
// period's, the ratings 5 to 1 (a rating nobody gave is a bar of 0), each
// agent by name, the responses linking to their conversations (narrowed
// by rating and comment, a page at a time), the CSV export with the
// filters; and, when nothing was sent, why and where to turn the survey on.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { SatisfactionReport } from "./SatisfactionTab";
import type { Filters } from "./filters";
import type { components } from "../../lib/api-types";
import { json } from "../../test/http";

type Satisfaction = components["schemas"]["ReportSatisfaction"];
type Response = components["schemas"]["ReportSatisfactionResponse"];

const f: Filters = { from: "2026-03-01", to: "2026-03-31", business: false, compare: true };
let surveyOn: boolean;
let role: string;
let report: { current: Satisfaction; previous?: Satisfaction };
let asked: string[];
// responses answers the responses list: its pages by cursor ("" first).
let responses: Record<string, { data: Response[]; next_cursor: string }>;

const ada: Response = { conversation_id: 41, contact_id: 9, contact_name: "Ada Lovelace", assignee_id: 2, rating: 5, comment: "Quick and <b>kind</b>", rated_at: "2026-03-20T10:00:00Z" };
const nameless: Response = { conversation_id: 40, contact_id: 8, contact_name: "", assignee_id: 0, rating: 2, comment: "Slow", rated_at: "2026-03-19T10:00:00Z" };
const silent: Response = { conversation_id: 39, contact_id: 7, contact_name: "Bo", assignee_id: 2, rating: 1, comment: "", rated_at: "2026-03-18T10:00:00Z" };

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
      comments: [ada, nameless],
    },
    previous: { ...empty, sent: 10, responses: 4, response_rate_pct: 40, average: 3.5, satisfied: 2, score_pct: 50, ratings: [{ key: "5", count: 2 }] },
  };
  responses = { "": { data: [ada, nameless], next_cursor: "c2" }, c2: { data: [silent], next_cursor: "" } };
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) => {
      asked.push(url);
      if (url === "/api/v1/me") {
        const workspace = { id: 1, name: "Acme", timezone: "UTC", satisfaction_survey: { enabled: surveyOn, message: "", available: false } };
        return json(200, { role, workspace, user: { id: 1, name: "Olga", team_ids: [] } });
      }
      if (url.startsWith("/api/v1/users")) return json(200, { data: [{ id: 2, name: "Ana" }] });
      if (url.startsWith("/api/v1/reports/satisfaction/responses")) {
        return json(200, responses[new URL(url, "http://x").searchParams.get("cursor") ?? ""]);
      }
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

it("shows the CSAT score, the ratings, each agent and the responses", async () => {
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

  const list = await screen.findAllByTestId("csat-response");
  expect(list.map((c) => c.dataset.rating)).toEqual(["5", "2"]);
  expect(asked).toContain("/api/v1/reports/satisfaction/responses?from=2026-03-01&to=2026-03-31&limit=50");
  const ada = within(list[0]!).getByRole("link", { name: "Ada Lovelace" });
  expect(ada.getAttribute("href")).toBe("/inbox/all/41");
  expect(within(list[0]!).getByRole("img", { name: "5 out of 5" })).toBeTruthy();
  expect(list[0]!.textContent).toContain("Quick and <b>kind</b>"); // the contact's text, as text
  expect(list[0]!.querySelector("b")).toBeNull();
  expect(list[0]!.textContent).toContain("Agent: Ana");
  expect(within(list[1]!).getByRole("link", { name: "Contact #8" }).getAttribute("href")).toBe("/inbox/all/40");

  // The next page follows the last, a rating without a comment included.
  fireEvent.click(screen.getByTestId("csat-more"));
  await waitFor(() => expect(screen.getAllByTestId("csat-response").map((c) => c.dataset.rating)).toEqual(["5", "2", "1"]));
  expect(asked).toContain("/api/v1/reports/satisfaction/responses?from=2026-03-01&to=2026-03-31&limit=50&cursor=c2");
  expect(screen.getAllByTestId("csat-response")[2]!.querySelector("p")).toBeNull();
  expect(screen.queryByTestId("csat-more")).toBeNull();

  const exports = screen.getAllByTestId("export-csv");
  expect(exports.length).toBe(3);
  expect(exports[0]!.getAttribute("href")).toBe("/api/v1/reports/satisfaction/export?from=2026-03-01&to=2026-03-31&compare=previous");
});

it("shows no score without a response, and says no response came", async () => {
  report = { current: { ...empty, sent: 5, ratings: [] } };
  responses = { "": { data: [], next_cursor: "" } };
  mount();
  await screen.findByTestId("figure-csat-score");
  expect(value("csat-score")).toBe("—");
  expect(value("csat-average")).toBe("—");
  expect(value("csat-response-rate")).toBe("0 %");
  expect((await screen.findByTestId("csat-no-response")).textContent).toBe("No response in this period.");
});

it("narrows the responses to the ratings chosen and to those with a comment", async () => {
  mount();
  await screen.findAllByTestId("csat-response");
  const one = screen.getByRole("button", { name: "1 – Very dissatisfied" });
  expect(one.getAttribute("aria-pressed")).toBe("false");
  responses = { "": { data: [], next_cursor: "" } };
  fireEvent.click(one);
  fireEvent.click(screen.getByRole("button", { name: "2 – Dissatisfied" }));
  fireEvent.click(screen.getByRole("checkbox", { name: "With a comment" }));
  expect(one.getAttribute("aria-pressed")).toBe("true");
  await waitFor(() =>
    expect(asked).toContain("/api/v1/reports/satisfaction/responses?from=2026-03-01&to=2026-03-31&rating=1%2C2&with_comment=true&limit=50"),
  );
  expect((await screen.findByTestId("csat-no-response")).textContent).toBe("No response with these ratings or comments.");
  fireEvent.click(one); // off again: rating 2 alone
  await waitFor(() => expect(asked).toContain("/api/v1/reports/satisfaction/responses?from=2026-03-01&to=2026-03-31&rating=2&with_comment=true&limit=50"));
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
