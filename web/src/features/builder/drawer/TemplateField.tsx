// A text field whose value the engine renders as a template: a variable
// picker beside it inserts {{…}} at the cursor, and a preview under it shows
// what it renders for a sample contact (sample values, not real data).
import { useRef, useState, type InputHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import * as Popover from "@radix-ui/react-popover";
import { Braces } from "lucide-react";
import { assigneeVariables, contactVariables, conversationVariables, hasVariables, insertAt, renderTemplate, systemVariables } from "./template";

const control = "border-line bg-bg w-full rounded border px-2 py-1.5 text-sm aria-[invalid=true]:border-danger";

type Common = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & { "data-schema-path"?: string };

export function TemplateField({ multiline, value, onChange, variables, label, ...common }: Common & { multiline: boolean; value: string; onChange(v: string): void; variables: string[]; label: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const insert = (name: string) => {
    const el = ref.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? start;
    const next = insertAt(value, start, end, name);
    onChange(next.text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.cursor, next.cursor);
    });
  };
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-start gap-1">
        {multiline ? (
          <textarea {...(common as object)} ref={ref} rows={3} className={control} value={value} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input {...common} ref={ref} type="text" className={control} value={value} onChange={(e) => onChange(e.target.value)} />
        )}
        <VariablePicker onPick={insert} variables={variables} label={label} />
      </div>
      {hasVariables(value) && (
        <p className="text-muted text-xs" data-testid="template-preview">
          <span className="font-medium">{t("builderDrawer.preview")}</span> {renderTemplate(value)}
        </p>
      )}
    </div>
  );
}

export function VariablePicker({ onPick, variables, label }: { onPick(name: string): void; variables: string[]; label: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState("");
  const custom = variables.filter((v) => v.startsWith("contact.fields."));
  const earlier = variables.filter((v) => !v.startsWith("contact.fields."));
  const groups: [string, string[]][] = [
    ["contact", contactVariables],
    ["fields", custom],
    ["conversation", conversationVariables],
    ["assignee", assigneeVariables],
    ["steps", earlier],
    ["system", systemVariables],
  ];
  const f = filter.trim().toLowerCase();
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <button type="button" className="border-line hover:bg-hover rounded border p-1.5" aria-label={t("builderDrawer.insertVariable", { label })} title={t("builderDrawer.insertVariable", { label })} data-testid="variable-picker">
          <Braces size={14} aria-hidden />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={4} className="border-line bg-panel z-50 flex max-h-80 w-64 flex-col rounded-md border shadow-lg">
          <input autoFocus className="border-line bg-bg m-2 rounded border px-2 py-1 text-sm" placeholder={t("builderDrawer.searchVariables")} aria-label={t("builderDrawer.searchVariables")} value={filter} onChange={(e) => setFilter(e.target.value)} />
          <div className="overflow-y-auto pb-2" role="group" aria-label={t("builderDrawer.variables")}>
            {groups.map(([g, names]) => {
              const shown = names.filter((n) => !f || n.toLowerCase().includes(f));
              if (shown.length === 0) return null;
              return (
                <div key={g} role="group" aria-label={t(`builderDrawer.groups.${g}`)}>
                  <p className="text-muted px-3 pt-2 text-xs font-semibold uppercase">{t(`builderDrawer.groups.${g}`)}</p>
                  {shown.map((n) => (
                    <button
                      key={n}
                      type="button"
                      data-variable={n}
                      className="hover:bg-hover block w-full px-3 py-1 text-left font-mono text-xs"
                      onClick={() => {
                        onPick(n);
                        setOpen(false);
                      }}
                    >
                      {n}
                    </button>
                  ))}
                </div>
              );
            })}
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
