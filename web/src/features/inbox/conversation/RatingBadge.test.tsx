import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import * as Tooltip from "@radix-ui/react-tooltip";
import "../../../lib/i18n";
import { RatingBadge } from "./RatingBadge";

afterEach(cleanup);

function show(rating: number) {
  render(
    <Tooltip.Provider>
      <RatingBadge satisfaction={{ rating, comment: "ok", rated_at: "2026-03-02T09:00:00Z" }} />
    </Tooltip.Provider>,
  );
  return screen.getByTestId("conversation-rating");
}

describe("RatingBadge", () => {
  // The rating is said in words and shown as n/5; the colour only repeats
  // what the face says, good, bad or neither.
  it.each([
    [1, "Rated Very dissatisfied (1/5)", "text-danger"],
    [2, "Rated Dissatisfied (2/5)", "text-danger"],
    [3, "Rated Neutral (3/5)", "text-muted"],
    [4, "Rated Satisfied (4/5)", "text-success"],
    [5, "Rated Very satisfied (5/5)", "text-success"],
  ])("rating %i", (rating, words, tone) => {
    const badge = show(rating);
    expect(badge.textContent).toBe(`${rating}/5${words}`);
    expect(badge.querySelector(".sr-only")?.textContent).toBe(words);
    expect(badge.className).toContain(tone);
    expect(badge.querySelector("svg")).not.toBeNull();
  });
});
