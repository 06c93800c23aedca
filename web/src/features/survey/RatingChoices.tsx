// The five answers of the satisfaction survey, 1 (very dissatisfied) to 5
// (very satisfied): a face and its words on each, never the face or a
// colour alone. On a phone they are five full-width rows, big to tap (five
// abreast, "Very dissatisfied" would not fit); five abreast from 640 px.
import { Angry, Frown, Laugh, Meh, Smile, type LucideIcon } from "lucide-react";
import { useTranslation } from "react-i18next";

export const ratings = [1, 2, 3, 4, 5] as const;

const faces: Record<number, LucideIcon> = { 1: Angry, 2: Frown, 3: Meh, 4: Smile, 5: Laugh };

/** faceOf is the face of a rating from 1 to 5, as the survey shows it. */
export function faceOf(rating: number): LucideIcon {
  return faces[rating] ?? Meh;
}

/** RatingChoices is a group of five toggle buttons (aria-pressed), one
 * pressed at most, in the tab order like any button. */
export function RatingChoices({ value, onChange, labelledBy }: { value: number; onChange: (rating: number) => void; labelledBy: string }) {
  const { t } = useTranslation();
  return (
    <div role="group" aria-labelledby={labelledBy} className="grid grid-cols-1 gap-2 sm:grid-cols-5">
      {ratings.map((r) => {
        const Face = faceOf(r);
        const pressed = value === r;
        return (
          <button
            key={r}
            type="button"
            aria-pressed={pressed}
            data-testid={`rate-${r}`}
            data-rating={r}
            onClick={() => onChange(r)}
            className={
              "flex min-h-12 items-center gap-3 rounded-lg border px-3 py-2 text-left transition-colors sm:min-h-20 sm:flex-col sm:justify-start sm:gap-1.5 sm:px-1 sm:py-2.5 sm:text-center " +
              (pressed ? "border-accent bg-selected text-fg" : "border-line bg-bg text-muted hover:bg-hover hover:text-fg")
            }
          >
            <Face size={30} strokeWidth={pressed ? 2.25 : 1.75} aria-hidden="true" className={"shrink-0 " + (pressed ? "text-accent" : "")} />
            <span className={"text-sm leading-tight sm:text-xs " + (pressed ? "font-semibold" : "")}>{t(`survey.rating.${r}`)}</span>
          </button>
        );
      })}
    </div>
  );
}

/** GivenRating says a rating already given: its face, its words, n/5. */
export function GivenRating({ rating, comment, testid }: { rating: number; comment: string; testid: string }) {
  const { t } = useTranslation();
  const Face = faceOf(rating);
  return (
    <div className="bg-subtle flex flex-col gap-1.5 rounded-lg p-3">
      <p className="flex items-center gap-2 text-sm" data-testid={testid} data-rating={rating}>
        <Face size={22} aria-hidden="true" className="text-accent shrink-0" />
        <span>{t("survey.yourRating", { label: t(`survey.rating.${rating}`), rating })}</span>
      </p>
      {comment && <p className="text-muted text-sm break-words whitespace-pre-wrap">{t("survey.yourComment", { comment })}</p>}
    </div>
  );
}
