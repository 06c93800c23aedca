// The composer's AI menu (loaded only when a conversation is open): draft a
// reply (streamed into the composer), rewrite the text (shorter, friendlier,
// more formal, grammar fixed), translate it to the contact's language. Every
// answer lands in the composer for the agent to edit; nothing is sent.
import { useEffect, useRef, useState } from "react";
import * as Dropdown from "@radix-ui/react-dropdown-menu";
import { useTranslation } from "react-i18next";
import { ChevronRight, Languages, Loader2, PenLine, Sparkles, Square, Wand2 } from "lucide-react";
import { api } from "../../../../lib/api";
import type { AiHelpStatus, AiResult } from "../../../../lib/types";
import { popoverClass } from "../ui";
import { languageName, translate } from "./aiHelp";
import { streamDraft } from "./draftStream";

export type RewriteStyle = "shorter" | "friendlier" | "formal" | "grammar";
const STYLES: RewriteStyle[] = ["shorter", "friendlier", "formal", "grammar"];

export interface AIMenuProps {
  conversationID: number;
  status?: AiHelpStatus;
  text: string;
  busy: boolean;
  disabled?: boolean;
  onBusy(busy: boolean): void;
  /** The composer's text becomes this (written with AI). */
  onText(text: string): void;
  onError(message: string | null): void;
}

const itemClass =
  "data-[highlighted]:bg-hover data-[disabled]:text-muted data-[disabled]:opacity-60 flex cursor-default items-center gap-2 rounded px-2 py-1.5 text-sm outline-none";

export default function AIMenu({ conversationID, status, text, busy, disabled, onBusy, onText, onError }: AIMenuProps) {
  const { t, i18n } = useTranslation();
  const abort = useRef<AbortController | null>(null);
  const [streaming, setStreaming] = useState(false);
  // Leaving the conversation stops a draft still being written.
  useEffect(() => () => abort.current?.abort(), []);
  const model = !!status?.model;
  const contactLang = status?.contact_language ?? "";
  const empty = text.trim() === "";
  const noModel = t("aiHelp.noModel");

  const run = async (work: () => Promise<string>) => {
    onError(null);
    onBusy(true);
    try {
      onText(await work());
    } catch (e) {
      if ((e as Error).name !== "AbortError") onError((e as Error).message);
    } finally {
      onBusy(false);
      setStreaming(false);
      abort.current = null;
    }
  };
  const draft = () =>
    run(async () => {
      abort.current = new AbortController();
      setStreaming(true);
      const d = await streamDraft(conversationID, onText, abort.current.signal);
      return d.text;
    });
  const rewrite = (style: RewriteStyle) => run(async () => (await api.post<AiResult>("/api/v1/ai/rewrite", { text, style })).text);
  const toContact = () => run(async () => (await translate(text, { conversationID })).text);

  if (streaming) {
    return (
      <button
        type="button"
        data-testid="ai-stop"
        onClick={() => abort.current?.abort()}
        className="text-accent hover:bg-hover inline-flex items-center gap-1 rounded px-1.5 py-1 text-xs font-medium"
      >
        <Loader2 size={14} className="animate-spin" aria-hidden="true" />
        {t("aiHelp.drafting")}
        <Square size={10} aria-hidden="true" />
        <span className="sr-only">{t("aiHelp.stop")}</span>
      </button>
    );
  }
  return (
    <Dropdown.Root modal={false}>
      <Dropdown.Trigger asChild>
        <button
          type="button"
          data-testid="ai-menu"
          disabled={disabled || busy}
          title={model ? t("aiHelp.menu") : noModel}
          aria-label={t("aiHelp.menu")}
          className="text-muted hover:bg-hover inline-flex items-center gap-1 rounded p-1.5 text-xs font-medium disabled:opacity-40"
        >
          {busy ? <Loader2 size={16} className="animate-spin" aria-hidden="true" /> : <Sparkles size={16} aria-hidden="true" />}
          AI
        </button>
      </Dropdown.Trigger>
      <Dropdown.Portal>
        <Dropdown.Content side="top" align="start" sideOffset={6} className={popoverClass + " w-72 p-1"}>
          {!model && (
            <p data-testid="ai-no-model" className="text-muted border-line mb-1 border-b px-2 py-1.5 text-xs">
              {t("aiHelp.noModelMenu")}
            </p>
          )}
          <Dropdown.Item data-testid="ai-draft" onSelect={() => void draft()} className={itemClass}>
            <PenLine size={14} aria-hidden="true" />
            {t("aiHelp.draft")}
          </Dropdown.Item>
          <Dropdown.Sub>
            <Dropdown.SubTrigger
              data-testid="ai-rewrite"
              disabled={!model || empty}
              title={!model ? noModel : empty ? t("aiHelp.needText") : undefined}
              className={itemClass}
            >
              <Wand2 size={14} aria-hidden="true" />
              <span className="flex-1">{t("aiHelp.rewrite")}</span>
              <ChevronRight size={14} aria-hidden="true" />
            </Dropdown.SubTrigger>
            <Dropdown.Portal>
              <Dropdown.SubContent sideOffset={4} className={popoverClass + " w-52 p-1"}>
                {STYLES.map((s) => (
                  <Dropdown.Item key={s} data-testid={`ai-rewrite-${s}`} onSelect={() => void rewrite(s)} className={itemClass}>
                    {t(`aiHelp.style.${s}`)}
                  </Dropdown.Item>
                ))}
              </Dropdown.SubContent>
            </Dropdown.Portal>
          </Dropdown.Sub>
          <Dropdown.Item
            data-testid="ai-translate"
            disabled={!model || empty || !contactLang}
            title={!model ? noModel : empty ? t("aiHelp.needText") : !contactLang ? t("aiHelp.languageUnknown") : undefined}
            onSelect={() => void toContact()}
            className={itemClass}
          >
            <Languages size={14} aria-hidden="true" />
            {contactLang ? t("aiHelp.translateTo", { language: languageName(contactLang, i18n.language) }) : t("aiHelp.translateToContact")}
          </Dropdown.Item>
          {(!model || empty || !contactLang) && (
            <p className="text-muted px-2 pt-1 pb-1.5 text-xs">
              {!model ? t("aiHelp.whyOff.model") : empty ? t("aiHelp.needText") : t("aiHelp.languageUnknown")}
            </p>
          )}
        </Dropdown.Content>
      </Dropdown.Portal>
    </Dropdown.Root>
  );
}
