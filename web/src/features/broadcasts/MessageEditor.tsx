// MessageEditor: what a broadcast says — a text, or, on a channel with
// provider templates, one of its approved templates with its parameters
// filled (the same content the inbox composer's template picker sends, and
// read by the same helpers). On a channel with a reply window it says that
// a text reaches only those inside it, and a template everyone.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Select } from "../../lib/ui/form";
import { namedParams, renderNamed, renderTemplate, templateHeader, useTemplates, type Template, type TemplateChoice } from "../inbox/conversation/TemplatePicker";
import type { BroadcastMessage } from "./types";

const control = "border-line bg-bg rounded border px-2 py-1.5 text-sm";

/** The message and whether it can be sent as it is (a template with every parameter filled). */
export interface MessageState {
  message: BroadcastMessage;
  ready: boolean;
}

export function MessageEditor({ channelID, hasTemplates, email, windowHours, value, onChange, error }: {
  channelID: number;
  hasTemplates: boolean;
  /** An email channel: the text has a subject (its content's), its mail a thread of its own. */
  email?: boolean;
  /** The channel's reply window in hours, 0 when it has none. */
  windowHours: number;
  value: BroadcastMessage;
  onChange(m: MessageState): void;
  error?: string;
}) {
  const { t } = useTranslation();
  const type = hasTemplates ? value.type : "text";
  const subject = (value.content as { subject?: string } | undefined)?.subject ?? "";
  return (
    <div className="flex flex-col gap-2" data-testid="broadcast-message">
      {hasTemplates && (
        <div role="radiogroup" aria-label={t("broadcasts.message.kind")} className="flex gap-4 text-sm">
          {(["text", "template"] as const).map((k) => (
            <label key={k} className="flex items-center gap-1.5">
              <input type="radio" name="broadcast-kind" value={k} checked={type === k} data-testid={`message-kind-${k}`}
                onChange={() => onChange({ message: k === "text" ? { type: "text", text: value.text ?? "" } : { type: "template" }, ready: k === "text" && !!value.text?.trim() })} />
              {t(`broadcasts.message.${k}`)}
            </label>
          ))}
        </div>
      )}
      {windowHours > 0 && (
        <p className="bg-note rounded px-3 py-2 text-sm" data-testid="broadcast-window-note">
          {type === "text" ? t("broadcasts.message.windowText", { count: windowHours }) : t("broadcasts.message.windowTemplate", { count: windowHours })}
        </p>
      )}
      {type === "text" && email && (
        <input
          value={subject}
          maxLength={200}
          data-testid="message-subject"
          aria-label={t("broadcasts.message.subject")}
          placeholder={t("broadcasts.message.subjectPlaceholder")}
          onChange={(e) => onChange({ message: text(value.text ?? "", e.target.value), ready: !!value.text?.trim() })}
          className={control}
        />
      )}
      {type === "text" ? (
        <textarea
          value={value.text ?? ""}
          rows={5}
          data-testid="message-text"
          aria-label={t("broadcasts.message.text")}
          aria-invalid={!!error}
          placeholder={t("broadcasts.message.placeholder")}
          onChange={(e) => onChange({ message: text(e.target.value, subject), ready: e.target.value.trim() !== "" })}
          aria-describedby="broadcast-text-hint"
          className={control + " resize-y"}
        />
      ) : (
        <TemplateChooser channelID={channelID} content={value.content as Partial<TemplateChoice> | undefined} onChange={onChange} />
      )}
      {type === "text" && (
        <p id="broadcast-text-hint" className="text-muted text-xs">
          {t("broadcasts.message.variables", { example: "{{contact.first_name}}" })}
        </p>
      )}
      {error && (
        <p role="alert" className="text-danger text-xs">
          {error}
        </p>
      )}
    </div>
  );
}

/** text is a text message, with its email subject when it has one. */
const text = (body: string, subject: string): BroadcastMessage =>
  subject ? { type: "text", text: body, content: { subject } } : { type: "text", text: body };

const idOf = (tpl: { name?: string; language?: string }) => `${tpl.name}/${tpl.language}`;

/** paramList reads stored parameters back in the order the inputs show them. */
function paramList(tpl: Template, stored: TemplateChoice["params"] | undefined): string[] {
  const names = namedParams(tpl.body);
  const n = names.length || tpl.params;
  if (Array.isArray(stored)) return Array.from({ length: n }, (_, i) => stored[i] ?? "");
  return Array.from({ length: n }, (_, i) => (stored && names[i] ? (stored[names[i]] ?? "") : ""));
}

function TemplateChooser({ channelID, content, onChange }: { channelID: number; content?: Partial<TemplateChoice>; onChange(m: MessageState): void }) {
  const { t } = useTranslation();
  const templates = useTemplates(channelID, true);
  const list = templates.data ?? [];
  const chosen = content?.name ? list.find((x) => idOf(x) === idOf(content)) : undefined;
  // What was typed, kept while the person fills the parameters in.
  const [params, setParams] = useState<string[] | null>(null);
  const [headerValue, setHeaderValue] = useState(content?.header?.text ?? content?.header?.url ?? "");
  const shown = chosen ? (params ?? paramList(chosen, content?.params)) : [];
  const names = chosen ? namedParams(chosen.body) : [];
  const header = chosen ? templateHeader(chosen) : null;
  const headerName = header?.kind === "text" ? (namedParams(header.text)[0] ?? "") : "";

  const emit = (tpl: Template | undefined, ps: string[], hv: string) => {
    if (!tpl) return onChange({ message: { type: "template" }, ready: false });
    const n = namedParams(tpl.body);
    const h = templateHeader(tpl);
    const hn = h?.kind === "text" ? (namedParams(h.text)[0] ?? "") : "";
    const choice: TemplateChoice = {
      name: tpl.name,
      language: tpl.language,
      params: n.length ? Object.fromEntries(n.map((k, i) => [k, ps[i] ?? ""])) : ps,
      ...(h ? { header: h.kind === "text" ? { type: "text", text: hv, ...(hn ? { param_name: hn } : {}) } : { type: h.kind, url: hv.trim() } } : {}),
    };
    const headerOK = !h || (h.kind === "text" ? hv.trim() !== "" : /^https?:\/\/\S+$/.test(hv.trim()));
    onChange({ message: { type: "template", content: { type: "template", ...choice } }, ready: headerOK && ps.every((p) => p.trim() !== "") });
  };
  const pick = (id: string) => {
    const tpl = list.find((x) => idOf(x) === id);
    const ps = tpl ? Array.from({ length: namedParams(tpl.body).length || tpl.params }, () => "") : [];
    setParams(ps);
    setHeaderValue("");
    emit(tpl, ps, "");
  };
  const preview = chosen ? (names.length ? renderNamed(chosen.body, Object.fromEntries(names.map((k, i) => [k, shown[i] ?? ""]))) : renderTemplate(chosen.body, shown)) : "";
  // A text header shows above the body as the contact reads it.
  const headerLine = header?.kind === "text" ? header.text.replace(/\{\{\s*\w+\s*\}\}/, (all) => headerValue || all) : "";

  return (
    <div className="flex flex-col gap-2">
      {templates.isError && <p className="text-danger text-sm">{templates.error.message}</p>}
      {templates.data?.length === 0 ? (
        <p className="text-muted text-sm" data-testid="message-no-templates">{t("broadcasts.message.noTemplates")}</p>
      ) : (
        <Select value={chosen ? idOf(chosen) : ""} onChange={(e) => pick(e.target.value)} data-testid="message-template" aria-label={t("broadcasts.message.template")}>
          <option value="">{templates.isPending ? t("broadcasts.message.loadingTemplates") : t("broadcasts.message.chooseTemplate")}</option>
          {list.map((tpl) => (
            <option key={idOf(tpl)} value={idOf(tpl)}>
              {tpl.name} ({tpl.language})
            </option>
          ))}
        </Select>
      )}
      {chosen && (
        <>
          <p className="bg-subtle rounded px-2 py-1.5 text-sm whitespace-pre-wrap">
            {headerLine && <strong className="block" data-testid="message-template-header-preview">{headerLine}</strong>}
            <span data-testid="message-template-preview">{preview}</span>
          </p>
          {header && (
            <label className="flex items-center gap-2 text-xs">
              <span className="text-muted w-28 shrink-0">{header.kind === "text" ? t("broadcasts.message.headerShort", { param: `{{${headerName || 1}}}` }) : t(`broadcasts.message.header_${header.kind}`)}</span>
              <input value={headerValue} type={header.kind === "text" ? "text" : "url"} data-testid="message-template-header"
                aria-label={header.kind === "text" ? t("broadcasts.message.headerText") : t(`broadcasts.message.header_${header.kind}`)}
                placeholder={header.kind === "text" ? undefined : "https://"}
                onChange={(e) => (setHeaderValue(e.target.value), emit(chosen, shown, e.target.value))}
                className={control + " flex-1"} />
            </label>
          )}
          {shown.map((p, i) => (
            <label key={i} className="flex items-center gap-2 text-xs">
              <span className="text-muted w-28 shrink-0">{`{{${names[i] ?? i + 1}}}`}</span>
              <input value={p} data-testid="message-template-param" aria-label={t("broadcasts.message.param", { n: names[i] ?? i + 1 })}
                onChange={(e) => {
                  const next = shown.map((x, j) => (j === i ? e.target.value : x));
                  setParams(next);
                  emit(chosen, next, headerValue);
                }}
                className={control + " flex-1"} />
            </label>
          ))}
        </>
      )}
    </div>
  );
}
