// The timeline's first load: bubbles on both sides stand for the first
// page of messages while it is read (UI.md: skeletons for first loads),
// where "Nothing here yet." said there were none.

/** TimelineSkeleton stands for the first page of messages while it is read. */
export function TimelineSkeleton() {
  return (
    <ul aria-hidden="true" data-testid="timeline-skeleton" className="flex flex-col gap-3">
      {["w-1/2", "ml-auto w-2/5", "w-3/5", "ml-auto w-1/3"].map((w) => (
        <li key={w} className={`bg-hover h-10 animate-pulse rounded-lg ${w}`} />
      ))}
    </ul>
  );
}
