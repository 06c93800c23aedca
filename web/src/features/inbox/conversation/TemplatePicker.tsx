// The template picker: outside a channel's customer-service window only
// the provider's approved templates may be sent. It lists the channel's
// templates (GET /api/v1/channels/{id}/templates, stored by the provider's
// template sync), lets the agent fill the header's parameter (a text's
// {{1}}, or the link of an image, video or document header) and the body's
// {{n}} parameters, and sends the template. A template with named
// parameters ({{first_name}}) is filled and sent by name, which is how
// WhatsApp takes it. The server checks the template against the channel's
// and stores its own rendering as the message's text, so the picker sends
// the choice alone and waits: a refusal (a template gone since the last
// sync, a parameter WhatsApp would refuse) shows the server's reason here,
// with what was typed kept.
import { useState } from "react";
import * as Popover from "@radix-ui/react-popover";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { FileText } from "lucide-react";
import { api, ApiError } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { popoverClass } from "./ui";

/** Template is one approved template as the channel lists it. */
export interface Template {
  name: string;
  language: string;
  body: string;
  params: number;
  status?: string;
  /** The provider's description (WhatsApp: [{type: "HEADER", format, text}, {type: "BODY", …}]). */
  components?: unknown;
}

/** HeaderKind is what a template's header asks for when it is sent. */
export type HeaderKind = "text" | "image" | "video" | "document";

/** templateHeader reads the header a template's parameters must fill, or null. */
export function templateHeader(tpl: Template): { kind: HeaderKind; text: string } | null {
  if (!Array.isArray(tpl.components)) return null;
  for (const c of tpl.components as { type?: string; format?: string; text?: string }[]) {
    if (String(c?.type).toUpperCase() !== "HEADER") continue;
    const format = String(c.format ?? "TEXT").toUpperCase();
    if (format === "TEXT") return /\{\{\s*\w+\s*\}\}/.test(c.text ?? "") ? { kind: "text", text: c.text ?? "" } : null;
    if (format === "IMAGE" || format === "VIDEO" || format === "DOCUMENT") return { kind: format.toLowerCase() as HeaderKind, text: "" };
  }
  return null;
}

/** TemplateChoice is what sending a template needs: params is a list for
 * {{1}}, {{2}}…, an object by name for named parameters. */
export interface TemplateChoice {
  name: string;
  language: string;
  params: string[] | Record<string, string>;
  header?: { type: HeaderKind; text?: string; url?: string; param_name?: string };
}

/** renderTemplate puts the parameters into the body's {{1}}, {{2}}… placeholders. */
export function renderTemplate(body: string, params: string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (all, n: string) => params[Number(n) - 1] || all);
}

const placeholder = /\{\{\s*(\w+)\s*\}\}/g;

/** namedParams are the names of a text's named parameters ({{first_name}}),
 * in the order they first appear; empty when its parameters are numbered. */
export function namedParams(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(placeholder)) if (!names.includes(m[1]!)) names.push(m[1]!);
  return names.some((n) => !/^\d+$/.test(n)) ? names : [];
}

/** renderNamed puts values into a text's {{name}} placeholders. */
export function renderNamed(text: string, values: Record<string, string>): string {
  return text.replace(placeholder, (all, name: string) => values[name] || all);
}

export function useTemplates(channelID: number | undefined, enabled: boolean) {
  return useQuery({
    queryKey: qk.channelTemplates(channelID ?? 0),
    enabled: enabled && !!channelID,
    retry: false,
    queryFn: async ({ signal }) => {
      try {
        const page = await api.get<{ data: Template[] }>(`/api/v1/channels/${channelID}/templates`, undefined, signal);
        return page.data.filter((t) => !t.status || t.status.toUpperCase() === "APPROVED");
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return [];
        throw e;
      }
    },
  });
}

export function TemplatePicker({ channelID, onSend }: { channelID?: number; onSend(choice: TemplateChoice): Promise<unknown> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<Template | null>(null);
  const [params, setParams] = useState<string[]>([]);
  const [headerValue, setHeaderValue] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const templates = useTemplates(channelID, open);
  const names = chosen ? namedParams(chosen.body) : [];
  const choose = (tpl: Template | null) => {
    setError(null);
    setChosen(tpl);
    if (!tpl) return;
    const named = namedParams(tpl.body);
    setParams(Array.from({ length: named.length || tpl.params }, () => ""));
    setHeaderValue("");
  };
  const byName = (): Record<string, string> => Object.fromEntries(names.map((n, i) => [n, params[i] ?? ""]));
  const renderBody = (body: string) => (names.length ? renderNamed(body, byName()) : renderTemplate(body, params));
  const paramChoice = (): TemplateChoice["params"] => (names.length ? byName() : params);
  const header = chosen ? templateHeader(chosen) : null;
  // A text header's one parameter: {{1}}, or its name in a template with
  // named parameters.
  const headerName = header?.kind === "text" ? (namedParams(header.text)[0] ?? "") : "";
  const headerOK = !header || (header.kind === "text" ? headerValue.trim() !== "" : /^https?:\/\/\S+$/.test(headerValue.trim()));
  const ready = chosen && headerOK && params.every((p) => p.trim() !== "");
  const headerChoice = (): TemplateChoice["header"] =>
    !header
      ? undefined
      : header.kind === "text"
        ? { type: "text", text: headerValue, ...(headerName ? { param_name: headerName } : {}) }
        : { type: header.kind, url: headerValue.trim() };
  const headerLine = header?.kind === "text" ? header.text.replace(/\{\{\s*\w+\s*\}\}/, (all) => headerValue || all) : "";
  return (
    <Popover.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) choose(null);
      }}
    >
      <Popover.Trigger asChild>
        <button type="button" data-testid="template-picker" className="border-line hover:bg-hover inline-flex items-center gap-1 rounded-md border px-2 py-1 text-xs font-medium">
          <FileText size={13} aria-hidden="true" />
          {t("conversation.templates.choose")}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content side="top" align="start" sideOffset={6} className={popoverClass + " w-96 p-2"} aria-label={t("conversation.templates.title")}>
          {!chosen && (
            <>
              <p className="text-muted px-1 pb-1 text-xs font-semibold uppercase">{t("conversation.templates.title")}</p>
              {templates.isPending && <p className="text-muted px-1 py-1 text-sm">{t("conversation.templates.loading")}</p>}
              {templates.isError && <p className="text-danger px-1 py-1 text-sm">{(templates.error as Error).message}</p>}
              {templates.data?.length === 0 && <p className="text-muted px-1 py-1 text-sm">{t("conversation.templates.none")}</p>}
              <ul role="listbox" aria-label={t("conversation.templates.title")} className="max-h-72 overflow-y-auto">
                {templates.data?.map((tpl) => (
                  <li key={tpl.name + "/" + tpl.language}>
                    <button
                      type="button"
                      role="option"
                      aria-selected={false}
                      data-testid="template-option"
                      onClick={() => choose(tpl)}
                      className="hover:bg-hover w-full rounded px-2 py-1.5 text-left text-sm"
                    >
                      <span className="font-medium">{tpl.name}</span> <span className="text-muted text-xs">{tpl.language}</span>
                      <span className="text-muted block truncate text-xs">{tpl.body}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {chosen && (
            <form
              onSubmit={async (e) => {
                e.preventDefault();
                if (!ready || sending) return;
                setSending(true);
                setError(null);
                try {
                  await onSend({ name: chosen.name, language: chosen.language, params: paramChoice(), header: headerChoice() });
                  setOpen(false);
                  setChosen(null);
                } catch (err) {
                  setError((err as Error).message);
                } finally {
                  setSending(false);
                }
              }}
              className="flex flex-col gap-2"
            >
              <p className="text-sm font-medium">
                {chosen.name} <span className="text-muted text-xs">{chosen.language}</span>
              </p>
              <p className="bg-subtle rounded px-2 py-1.5 text-sm whitespace-pre-wrap">
                {headerLine && <strong className="block">{headerLine}</strong>}
                {renderBody(chosen.body)}
              </p>
              {header && (
                <label className="flex items-center gap-2 text-xs">
                  {/* Named as the header's, beside the body's {{1}} below. */}
                  <span className="text-muted min-w-8 shrink-0">
                    {header.kind === "text" ? t("conversation.templates.headerShort", { param: `{{${headerName || 1}}}` }) : header.kind}
                  </span>
                  <input
                    value={headerValue}
                    data-testid="template-header"
                    type={header.kind === "text" ? "text" : "url"}
                    aria-label={
                      header.kind !== "text"
                        ? t(`conversation.templates.headerMedia_${header.kind}`)
                        : headerName
                          ? t("conversation.templates.headerParam", { name: headerName })
                          : t("conversation.templates.headerText")
                    }
                    placeholder={header.kind === "text" ? undefined : "https://"}
                    onChange={(e) => setHeaderValue(e.target.value)}
                    className="border-line bg-bg flex-1 rounded border px-2 py-1 text-sm"
                  />
                </label>
              )}
              {params.map((p, i) => (
                <label key={i} className="flex items-center gap-2 text-xs">
                  <span className="text-muted min-w-8 shrink-0">{`{{${names[i] ?? i + 1}}}`}</span>
                  <input
                    value={p}
                    aria-label={t("conversation.templates.param", { n: names[i] ?? i + 1 })}
                    onChange={(e) => setParams((all) => all.map((x, j) => (j === i ? e.target.value : x)))}
                    className="border-line bg-bg flex-1 rounded border px-2 py-1 text-sm"
                  />
                </label>
              ))}
              {error && (
                <p role="alert" data-testid="template-error" className="text-danger text-xs">
                  {error}
                </p>
              )}
              <div className="flex justify-end gap-2">
                <button type="button" onClick={() => choose(null)} className="hover:bg-hover rounded px-2 py-1 text-sm">
                  {t("conversation.templates.back")}
                </button>
                <button
                  type="submit"
                  data-testid="template-send"
                  disabled={!ready || sending}
                  className="bg-accent text-accent-fg rounded-md px-3 py-1 text-sm font-medium disabled:opacity-40"
                >
                  {sending ? t("conversation.templates.sending") : t("conversation.templates.send")}
                </button>
              </div>
            </form>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
