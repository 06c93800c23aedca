// AppQueryClient is the app's TanStack Query client. Its one difference:
// an invalidation never lets a query's first read in flight stand for it.
//
// TanStack Query cancels and repeats a read in flight only when its query
// already has data; a query still waiting for its first read joins that
// read instead. The read may have been answered before the change, and
// then the change showed nowhere until the next one: the inbox opened
// just before a contact's first message showed an empty list for good
// when the live socket's first open (or the message's event) came while
// the list's first read was on its way. Here such a query is invalidated
// again when that read ends, so the read that counts starts after the
// change — for every invalidation of the app (the socket's, a save's),
// not only the ones that know of it.
import { QueryClient, type InvalidateOptions, type InvalidateQueryFilters, type QueryKey } from "@tanstack/react-query";

export class AppQueryClient extends QueryClient {
  // The first reads already followed by another: a burst of events during
  // one read asks for one more read, not one per event.
  private readAgain = new WeakSet<Promise<unknown>>();

  override invalidateQueries<TTaggedQueryKey extends QueryKey = QueryKey>(
    filters?: InvalidateQueryFilters<TTaggedQueryKey>,
    options?: InvalidateOptions,
  ): Promise<void> {
    for (const q of this.getQueryCache().findAll(filters)) {
      const read = q.promise;
      if (q.state.data !== undefined || q.state.fetchStatus === "idle" || !read || this.readAgain.has(read)) continue;
      this.readAgain.add(read);
      const queryKey = q.queryKey;
      // Whether it succeeded or not: a failed read shows its error and a
      // retry, which the next read replaces.
      const again = () => void this.invalidateQueries({ queryKey, exact: true });
      read.then(again, again);
    }
    return super.invalidateQueries(filters, options);
  }
}
