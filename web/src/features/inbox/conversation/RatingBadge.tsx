// RatingBadge: the contact's answer to a closed conversation's satisfaction
// survey, where agents look for it — the conversation's header and the
// contact's past conversations. The survey's face and n/5 show it, the
// words ("Satisfied") name it for a screen reader and in its tooltip; the
// colour only repeats what the face says.
import * as Tooltip from "@radix-ui/react-tooltip";
import { useTranslation } from "react-i18next";
import type { Conversation } from "../../../lib/types";
import { faceOf } from "../../survey/RatingChoices";

type Satisfaction = NonNullable<Conversation["satisfaction"]>;

function tone(rating: number): string {
  if (rating >= 4) return "text-success border-success/40";
  if (rating <= 2) return "text-danger border-danger/40";
  return "text-muted border-line";
}

export function RatingBadge({ satisfaction }: { satisfaction: Satisfaction }) {
  const { t } = useTranslation();
  const { rating } = satisfaction;
  const Face = faceOf(rating);
  const words = t("conversation.rating.label", { label: t(`survey.rating.${rating}`), rating });
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <span
          data-testid="conversation-rating"
          data-rating={rating}
          className={"inline-flex shrink-0 items-center gap-1 rounded-full border px-1.5 py-px text-[11px] tabular-nums " + tone(rating)}
        >
          <Face size={12} aria-hidden="true" />
          <span aria-hidden="true">{rating}/5</span>
          <span className="sr-only">{words}</span>
        </span>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content sideOffset={6} className="bg-fg text-bg z-50 max-w-72 rounded px-2 py-1 text-xs shadow">
          {words}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}
