// The timeline's top edge: bubbles standing for the first page of
// messages while it is read (UI.md: skeletons for first loads), where
// "Nothing here yet." said there were none; and, above the oldest item
// shown, the row about older messages: reading them, or a button to.
import { useTranslation } from "react-i18next";
import { Clock } from "lucide-react";

/** Older is what the timeline knows of the messages before its first item. */
export type Older = { more: boolean; loading: boolean; failed?: boolean; load(): void };

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

/** OlderRow says older messages are being read, or offers to read them (for the keyboard too). */
export function OlderRow({ older }: { older: Older }) {
  const { t } = useTranslation();
  return (
    <div data-testid="timeline-older" className="text-muted flex h-7 items-center justify-center text-xs">
      {older.loading ? (
        <p role="status" className="flex items-center gap-1.5">
          <Clock size={12} aria-hidden="true" className="animate-pulse" />
          {t("conversation.timeline.loadingOlder")}
        </p>
      ) : (
        <button type="button" onClick={older.load} className="hover:bg-hover rounded px-2 py-0.5 underline-offset-2 hover:underline">
          {t(older.failed ? "conversation.timeline.olderFailed" : "conversation.timeline.showOlder")}
        </button>
      )}
    </div>
  );
}
