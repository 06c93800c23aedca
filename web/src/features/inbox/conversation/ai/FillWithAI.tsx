// The closing dialog's "Fill with AI": the conversation's summary written by
// the workspace's model, for the agent to edit before closing.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Loader2, Sparkles } from "lucide-react";
import { api } from "../../../../lib/api";
import type { AiResult } from "../../../../lib/types";
import { useAIHelp } from "./aiHelp";

/** FillWithAI writes the closing summary with the workspace's model, for the agent to edit. */
export function FillWithAI({ conversationID, onText }: { conversationID: number; onText(text: string): void }) {
  const { t, i18n } = useTranslation();
  const help = useAIHelp(conversationID);
  const [error, setError] = useState("");
  const fill = useMutation({
    mutationFn: () => api.post<AiResult>(`/api/v1/conversations/${conversationID}/ai/summary`, { language: i18n.language }),
    onMutate: () => setError(""),
    onSuccess: (r) => onText(r.text),
    onError: (e) => setError((e as Error).message),
  });
  const model = !!help.data?.model;
  return (
    <span className="flex flex-col items-end">
      <button
        type="button"
        data-testid="close-summary-ai"
        disabled={!model || fill.isPending}
        title={model ? undefined : t("aiHelp.noModel")}
        onClick={() => fill.mutate()}
        className="text-accent hover:bg-hover inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium disabled:opacity-50"
      >
        {fill.isPending ? <Loader2 size={12} className="animate-spin" aria-hidden="true" /> : <Sparkles size={12} aria-hidden="true" />}
        {fill.isPending ? t("aiHelp.filling") : t("aiHelp.fill")}
      </button>
      {error && (
        <span role="alert" className="text-danger text-xs">
          {error}
        </span>
      )}
    </span>
  );
}
