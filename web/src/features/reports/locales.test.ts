// The reports name what the server groups by, in both languages: a key the
// server writes with no label showed raw ("least_open") and reported a
// missing key.
import { describe, expect, it } from "vitest";
import i18n from "../../lib/i18n";
import { closedSources, openedSources } from "./filters";

// The assignments report's by_strategy keys: routing's strategies
// (internal/routing/settings.go) or "manual" (internal/report/project.go).
const strategies = ["round_robin", "least_open", "longest_idle", "manual"];

describe("report labels", () => {
  it.each(strategies)("names the %s strategy in English and French", (s) => {
    for (const lng of ["en", "fr"]) expect(i18n.exists(`reports.strategy.${s}`, { lng }), `${lng}: ${s}`).toBe(true);
  });
  // The messages report's by_sender keys: an outbound message's sender
  // (internal/conversation/message.go), "echo" for one sent from the
  // provider's own app and received back.
  it.each(["user", "workflow", "api", "echo"])("names the %s sender in English and French", (s) => {
    for (const lng of ["en", "fr"]) expect(i18n.exists(`reports.sender.${s}`, { lng }), `${lng}: ${s}`).toBe(true);
  });
  it.each([...new Set([...openedSources, ...closedSources])])("names the %s source in English and French", (s) => {
    for (const lng of ["en", "fr"]) expect(i18n.exists(`reports.source.${s}`, { lng }), `${lng}: ${s}`).toBe(true);
  });
  // The satisfaction report's ratings, 1 to 5, each with its words.
  it.each(["1", "2", "3", "4", "5"])("names the rating %s in English and French", (r) => {
    for (const lng of ["en", "fr"]) expect(i18n.exists(`reports.csat.rating.${r}`, { lng }), `${lng}: ${r}`).toBe(true);
  });
});
