// invalidateLive is invalidateQueries for a change the app heard of (an
// event of the live socket, the socket's first open): every query it
// matches is read again once the change may be on it, including the ones
// whose first read is in flight.
//
// TanStack Query cancels and repeats a read in flight only when its query
// already has data; a query still waiting for its first read joins that
// read instead. The read may have been answered before the change, and
// then the change showed nowhere until the next one: the inbox opened
// just before a contact's first message showed an empty list for good
// when the socket's first open (or the message's event) came while the
// list's first read was on its way. Such a query is invalidated again when
// that read ends, so the read that counts starts after the change.
import type { InvalidateQueryFilters, QueryClient } from "@tanstack/react-query";

// The first reads already followed by another: a burst of events during
// one read asks for one more read, not one per event.
const readAgain = new WeakSet<Promise<unknown>>();

export function invalidateLive(qc: QueryClient, filters: InvalidateQueryFilters = {}): Promise<void> {
  for (const q of qc.getQueryCache().findAll(filters)) {
    const read = q.promise;
    if (q.state.data !== undefined || q.state.fetchStatus === "idle" || !read || readAgain.has(read)) continue;
    readAgain.add(read);
    const queryKey = q.queryKey;
    // Whether it succeeded or not: a failed read shows its error and a
    // retry, which the next read replaces.
    void read.then(
      () => qc.invalidateQueries({ queryKey, exact: true }),
      () => qc.invalidateQueries({ queryKey, exact: true }),
    );
  }
  return qc.invalidateQueries(filters);
}
