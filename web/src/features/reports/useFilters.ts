// useFilters keeps the reports' filters in the URL.
import { useEffect, useMemo, useRef } from "react";
import { useSearchParams } from "react-router";
import { filtersToSearch, parseFilters, type Filters } from "./filters";

/**
 * useFilters returns the filters the URL holds and a function that changes
 * some of them. A change builds on the last filters set, not on the last
 * render's: two picks in quick succession (a team, then a period, before
 * the first one's navigation has rendered) would otherwise each write the
 * URL from the same old filters, and the second would drop the first.
 */
export function useFilters(tz: string): [Filters, (change: Partial<Filters>) => void] {
  const [search, setSearch] = useSearchParams();
  const f = useMemo(() => parseFilters(search, tz, new Date()), [search, tz]);
  const pending = useRef(f);
  useEffect(() => {
    pending.current = f; // the URL moved (this change rendered, or a link was followed)
  }, [f]);
  const set = (change: Partial<Filters>) => {
    const next = { ...pending.current, ...change };
    pending.current = next;
    setSearch(filtersToSearch(next), { replace: true });
  };
  return [f, set];
}
