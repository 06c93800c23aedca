// SurveyForm: the workspace's satisfaction survey — whether a closed
// conversation asks its contact for a rating, and in what words. It reads
// GET /api/v1/workspace, whose `available` says whether this server can
// send surveys at all (it needs its public address to link to), which the
// form says plainly when it cannot; a save refreshes who-am-I as well.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useSession } from "../../../lib/session";
import { Field, Section } from "../../../lib/ui/form";
import type { Workspace } from "../../../lib/types";
import { fieldError, generalError, SaveRow, SkeletonRows } from "./common";

type Survey = Workspace["satisfaction_survey"];

/** The server's words until the workspace writes its own
 * (internal/workspace/survey.go); saved as "", which keeps the default. */
export const defaultSurveyMessage = "Thanks for contacting us! How would you rate this conversation? Tell us in one tap: {{link}}";
/** Variables the words take, filled for the closed conversation as a
 * workflow's message is (docs/workflows.md). */
const surveyVariables = "{{contact.first_name}}, {{assignee.name}}";
const maxMessageLength = 1000;
const messageField = "satisfaction_survey.message";
const known = [messageField, "satisfaction_survey.enabled", "satisfaction_survey"];

export function SurveyForm() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: qk.workspace, queryFn: () => api.get<Workspace>("/api/v1/workspace") });
  const title = t("workspaceSettings.survey.title");
  if (q.error)
    return (
      <Section title={title}>
        <p role="alert" className="text-danger text-sm">
          {t("workspaceSettings.common.failed", { message: q.error.message })}
        </p>
      </Section>
    );
  if (!q.data) return <Section title={title}>{<SkeletonRows n={2} />}</Section>;
  return <SurveyFields initial={q.data.satisfaction_survey} />;
}

function SurveyFields({ initial }: { initial: Survey }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { refresh } = useSession();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [message, setMessage] = useState(initial.message);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: { enabled: boolean; message: string }) => api.patch<Workspace>("/api/v1/workspace", { satisfaction_survey: body }),
    onSuccess: (ws) => {
      qc.setQueryData(qk.workspace, ws);
      // An emptied message comes back as the default: show what is sent.
      setMessage(ws.satisfaction_survey.message);
      setSaved(true);
      // Who-am-I holds the workspace too (the Satisfaction report reads it).
      refresh().catch(() => {});
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    // The default's words are saved as the default itself, not as a copy.
    save.mutate({ enabled, message: message.trim() === defaultSurveyMessage ? "" : message });
  };
  const err = save.error;
  const problem = fieldError(err, messageField);
  // Characters as the server counts them (an emoji is one), trimmed as it trims.
  const length = [...message.trim()].length;
  return (
    <Section title={t("workspaceSettings.survey.title")} description={t("workspaceSettings.survey.description")}>
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label={t("workspaceSettings.survey.title")} data-testid="survey-form">
        {!initial.available && (
          <p role="note" className="bg-note rounded p-2 text-sm" data-testid="survey-unavailable">
            {t("workspaceSettings.survey.unavailable")}
          </p>
        )}
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            role="switch"
            className="mt-0.5"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
            data-testid="survey-enabled"
          />
          <span>
            {t("workspaceSettings.survey.enabled")}
            <span className="text-muted block text-xs">{t("workspaceSettings.survey.enabledHelp")}</span>
          </span>
        </label>
        <Field label={t("workspaceSettings.survey.message")} hint={t("workspaceSettings.survey.messageHint", { link: "{{link}}", variables: surveyVariables })} error={problem}>
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              aria-invalid={!!problem}
              rows={3}
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              data-testid="survey-message"
              className="border-line bg-bg aria-[invalid=true]:border-danger rounded border px-2 py-1.5 text-sm"
            />
          )}
        </Field>
        <div className="-mt-2 flex items-center justify-between gap-3 text-xs">
          <span className={length > maxMessageLength ? "text-danger tabular-nums" : "text-muted tabular-nums"} data-testid="survey-length">
            {t("workspaceSettings.survey.length", { n: length, max: maxMessageLength })}
          </span>
          {message.trim() !== defaultSurveyMessage && (
            <button type="button" className="text-accent underline" onClick={() => setMessage(defaultSurveyMessage)} data-testid="survey-reset">
              {t("workspaceSettings.survey.reset")}
            </button>
          )}
        </div>
        {generalError(err, known) && (
          <p role="alert" className="text-danger text-sm">
            {generalError(err, known)}
          </p>
        )}
        <SaveRow pending={save.isPending} saved={saved} testid="survey" />
      </form>
    </Section>
  );
}
