// What the conversation's AI help needs outside the composer's AI menu
// (which loads lazily): whether the workspace has a model and the contact's
// language, a language's name, and a translation.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../../../lib/api";
import { qk } from "../../../../lib/queryKeys";
import type { AiHelpStatus, AiResult } from "../../../../lib/types";

export function useAIHelp(conversationID: number) {
  return useQuery({
    queryKey: qk.aiHelp(conversationID),
    queryFn: ({ signal }) => api.get<AiHelpStatus>(`/api/v1/conversations/${conversationID}/ai`, undefined, signal),
    staleTime: 60_000,
  });
}

/** languageName names a language code in the interface's language (fr → "French"). */
export function languageName(code: string, uiLanguage: string): string {
  try {
    return new Intl.DisplayNames([uiLanguage], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** translate asks for text in language, or, without one, in the conversation's contact's language. */
export function translate(text: string, target: { language: string } | { conversationID: number }): Promise<AiResult> {
  return api.post<AiResult>(
    "/api/v1/ai/translate",
    "language" in target ? { text, language: target.language } : { text, conversation_id: target.conversationID },
  );
}

export type TranslationState = { status: "idle" } | { status: "loading" } | { status: "done"; text: string; language: string } | { status: "error"; message: string };

/** useInlineTranslation translates a contact's message into the agent's language, on demand. */
export function useInlineTranslation(text: string, uiLanguage: string) {
  const [state, setState] = useState<TranslationState>({ status: "idle" });
  const run = () => {
    setState({ status: "loading" });
    translate(text, { language: uiLanguage }).then(
      (r) => setState({ status: "done", text: r.text, language: r.language ?? uiLanguage }),
      (e: Error) => setState({ status: "error", message: e.message }),
    );
  };
  return { state, run, hide: () => setState({ status: "idle" }) };
}
