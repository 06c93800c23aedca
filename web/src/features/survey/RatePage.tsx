// RatePage: the page a satisfaction survey's link opens (/rate/<token>),
// for a contact who has no account: the token is the only credential. They
// pick 1 to 5, may add a comment and send; then they see their rating and
// may change it until the link expires (14 days). A link that is wrong or
// expired says so plainly. Phone first: most open it from a chat app.
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { useLocation } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, request } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import type { components } from "../../lib/api-types";
import { GivenRating, RatingChoices } from "./RatingChoices";

type SurveyView = components["schemas"]["SurveyView"];

/** The comment's bound on the server (internal/satisfaction, MaxCommentLen). */
const maxComment = 2000;

type State = "loading" | "unknown" | "error" | "expired" | "form" | "thanks";

export default function RatePage() {
  const { t } = useTranslation();
  const location = useLocation();
  const token = decodeURIComponent(location.pathname.replace(/^\/rate\//, "").replace(/\/+$/, ""));
  const path = `/api/v1/surveys/${encodeURIComponent(token)}`;
  const survey = useQuery({
    queryKey: qk.survey(token),
    queryFn: ({ signal }) => request<SurveyView>("GET", path, { signal, quiet401: true }),
    // A wrong link stays wrong: say so at once rather than ask again.
    retry: false,
  });
  const [editing, setEditing] = useState(false);
  const v = survey.data;
  const state: State = survey.isPending
    ? "loading"
    : survey.error
      ? survey.error instanceof ApiError && survey.error.status === 404
        ? "unknown"
        : "error"
      : v!.expired
        ? "expired"
        : v!.rating > 0 && !editing
          ? "thanks"
          : "form";

  let body: ReactNode;
  switch (state) {
    case "loading":
      body = <Loading />;
      break;
    case "unknown":
      body = <Notice title={t("survey.unknownTitle")} text={t("survey.unknownBody")} />;
      break;
    case "error":
      body = (
        <Notice title={t("survey.errorTitle")} text={survey.error instanceof ApiError ? survey.error.message : t("survey.network")}>
          <button type="button" onClick={() => void survey.refetch()} className="text-accent mt-4 text-sm underline" data-testid="rate-retry">
            {t("survey.retry")}
          </button>
        </Notice>
      );
      break;
    case "expired":
      body = (
        <Notice title={t("survey.expiredTitle")} text={t("survey.expiredBody")}>
          {v!.rating > 0 && (
            <div className="mt-4 flex flex-col gap-2">
              <GivenRating rating={v!.rating} comment={v!.comment} testid="rate-your-rating" />
              <p className="text-muted text-sm">{t("survey.expiredThanks")}</p>
            </div>
          )}
        </Notice>
      );
      break;
    case "thanks":
      body = (
        <div data-testid="rate-thanks" className="flex flex-col gap-3">
          <h1 className="text-xl font-semibold">{t("survey.thanksTitle")}</h1>
          <p className="text-sm">{t("survey.thanksBody", { workspace: v!.workspace_name })}</p>
          <GivenRating rating={v!.rating} comment={v!.comment} testid="rate-your-rating" />
          <button
            type="button"
            onClick={() => setEditing(true)}
            data-testid="rate-change"
            className="border-line bg-bg hover:bg-hover self-start rounded border px-3 py-2 text-sm font-medium"
          >
            {t("survey.change")}
          </button>
          <p className="text-muted text-xs">{t("survey.changeHint")}</p>
        </div>
      );
      break;
    case "form":
      body = (
        <RatingForm
          path={path}
          token={token}
          survey={v!}
          onSent={() => setEditing(false)}
          onCancel={v!.rating > 0 ? () => setEditing(false) : undefined}
          onGone={() => void survey.refetch()}
        />
      );
      break;
  }

  return (
    <main className="bg-panel flex min-h-full flex-1 justify-center p-3 sm:items-center sm:p-6" data-testid="rate-page" data-state={state}>
      <div className="border-line bg-bg w-full max-w-lg self-start rounded-lg border p-4 shadow-sm sm:self-auto sm:p-6">
        {v && (
          <p className="text-muted mb-3 text-xs font-medium tracking-wide uppercase" data-testid="rate-workspace">
            {t("survey.from", { workspace: v.workspace_name })}
          </p>
        )}
        {body}
      </div>
    </main>
  );
}

function Loading() {
  const { t } = useTranslation();
  return (
    <div aria-busy="true" className="flex flex-col gap-3">
      <span className="sr-only" role="status">
        {t("survey.loading")}
      </span>
      <div aria-hidden="true" className="bg-subtle h-6 w-3/4 animate-pulse rounded" />
      <div aria-hidden="true" className="grid grid-cols-1 gap-2 sm:grid-cols-5">
        {[1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="bg-subtle h-12 animate-pulse rounded-lg sm:h-20" />
        ))}
      </div>
    </div>
  );
}

function Notice({ title, text, children }: { title: string; text: string; children?: ReactNode }) {
  return (
    <div data-testid="rate-notice">
      <h1 className="mb-2 text-lg font-semibold">{title}</h1>
      <p className="text-sm">{text}</p>
      {children}
    </div>
  );
}

/** RatingForm: the five choices, the comment and Send; filled with the
 * rating given when the contact changes it. */
function RatingForm({ path, token, survey, onSent, onCancel, onGone }: {
  path: string;
  token: string;
  survey: SurveyView;
  onSent: () => void;
  onCancel?: () => void;
  /** The link stopped working meanwhile (expired, or its contact deleted): read it again to say so. */
  onGone: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const id = useId();
  const [rating, setRating] = useState(survey.rating);
  const [comment, setComment] = useState(survey.comment);
  const [error, setError] = useState("");
  const send = useMutation({
    mutationFn: (body: { rating: number; comment: string }) => request<SurveyView>("POST", path, { body, quiet401: true }),
    onSuccess: (v) => {
      qc.setQueryData(qk.survey(token), v);
      onSent();
    },
    onError: (err) => {
      if (err instanceof ApiError && (err.status === 404 || err.status === 410)) onGone();
      else if (err instanceof ApiError && err.code === "survey_answered_too_often") setError(t("survey.tooOften"));
      else if (err instanceof ApiError) setError(err.forField("comment") ?? err.forField("rating") ?? err.message);
      else setError(t("survey.network"));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError("");
    if (rating < 1) {
      setError(t("survey.pickFirst"));
      return;
    }
    send.mutate({ rating, comment: comment.trim() });
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" data-testid="rate-form" noValidate>
      <h1 id={`${id}-question`} className="text-xl font-semibold">
        {t("survey.question")}
      </h1>
      <RatingChoices
        value={rating}
        labelledBy={`${id}-question`}
        onChange={(r) => {
          setRating(r);
          setError("");
        }}
      />
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-comment`} className="text-sm font-medium">
          {t("survey.comment")}
        </label>
        <textarea
          id={`${id}-comment`}
          rows={3}
          maxLength={maxComment}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          aria-describedby={`${id}-comment-hint`}
          data-testid="rate-comment"
          className="border-line bg-bg rounded border px-2 py-1.5 text-base sm:text-sm"
        />
        <p id={`${id}-comment-hint`} className="text-muted text-xs">
          {t("survey.commentHint")}
        </p>
      </div>
      {error && (
        <p role="alert" className="text-danger text-sm" data-testid="rate-form-error">
          {error}
        </p>
      )}
      <div className="flex flex-col gap-2 sm:flex-row">
        <button
          type="submit"
          disabled={send.isPending}
          data-testid="rate-send"
          className="bg-accent text-accent-fg rounded px-4 py-2.5 text-sm font-medium hover:opacity-90 disabled:opacity-50 sm:py-2"
        >
          {t("survey.send")}
        </button>
        {onCancel && (
          <button
            type="button"
            onClick={onCancel}
            data-testid="rate-cancel"
            className="border-line bg-bg hover:bg-hover rounded border px-4 py-2.5 text-sm font-medium sm:py-2"
          >
            {t("survey.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}
