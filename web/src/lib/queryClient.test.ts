// Any invalidation (a save's as much as the live socket's) that comes while
// a query's first read is in flight reads the query again once that read
// ends; one read for a burst; a query with data is left to TanStack Query.
import { expect, it } from "vitest";
import { QueryObserver } from "@tanstack/react-query";
import { AppQueryClient } from "./queryClient";

it("reads a query again after a first read that an invalidation came during, once for a burst", async () => {
  const qc = new AppQueryClient();
  let rows = 0;
  const answers: (() => void)[] = [];
  let reads = 0;
  const observer = new QueryObserver(qc, {
    queryKey: ["list"],
    queryFn: () => {
      reads++;
      const seen = rows;
      return new Promise<number>((resolve) => answers.push(() => resolve(seen)));
    },
  });
  const off = observer.subscribe(() => {});
  expect(reads).toBe(1);
  rows = 1; // saved after the read was asked
  void qc.invalidateQueries({ queryKey: ["list"] });
  void qc.invalidateQueries({ queryKey: ["list"] });
  answers.shift()!();
  await expect.poll(() => reads).toBe(2);
  answers.shift()!();
  await expect.poll(() => qc.getQueryData(["list"])).toBe(1);
  expect(reads).toBe(2);
  off();
});
