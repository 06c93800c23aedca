// Helpers the settings sections built in issue 10 share: the error a
// mutation left for a field, a mutation with optimistic update and
// rollback on a list cache, and an inline confirm for deletes.
import { useState, type ReactNode } from "react";
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, type Page } from "../../../lib/api";
import { useToast } from "../../../lib/ui/toast";
import { Button, Field, Section, TextInput } from "../../../lib/ui/form";

/** fieldError is the server's message for a field, or the whole error's
 * message when it names no field (shown under the form's first field). */
export function fieldError(err: unknown, field: string): string | undefined {
  if (err instanceof ApiError) return err.forField(field);
  return undefined;
}

/** generalError is the message of an error that names no known field. */
export function generalError(err: unknown, known: string[]): string | undefined {
  if (!err) return undefined;
  if (err instanceof ApiError) {
    if (known.some((f) => err.forField(f))) return undefined;
    return err.message;
  }
  return String(err);
}

/** useListMutation changes one list cache optimistically: apply() edits
 * the cached page at once; a failure puts it back and shows a toast; the
 * list is read again when the server has answered. */
export function useListMutation<T, V>(
  key: QueryKey,
  fn: (v: V) => Promise<unknown>,
  apply: (items: T[], v: V) => T[],
  opts: { toastOnError?: boolean } = {},
) {
  const qc = useQueryClient();
  const toast = useToast();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: fn,
    onMutate: async (v: V) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<Page<T>>(key);
      if (before) qc.setQueryData<Page<T>>(key, { ...before, data: apply(before.data, v) });
      return { before };
    },
    onError: (err, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(key, ctx.before);
      if (opts.toastOnError !== false) toast(t("workspaceSettings.common.failed", { message: err instanceof Error ? err.message : String(err) }));
    },
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
}

/** ConfirmDelete is a Delete button that asks once more, inline, with an
 * optional warning shown before the question. */
export function ConfirmDelete({
  label,
  onConfirm,
  warning,
  onOpen,
  testid,
}: {
  label: string;
  onConfirm: () => void;
  warning?: ReactNode;
  onOpen?: () => void;
  testid?: string;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <Button
        intent="secondary"
        aria-label={label}
        data-testid={testid}
        onClick={() => {
          setOpen(true);
          onOpen?.();
        }}
      >
        {t("workspaceSettings.common.delete")}
      </Button>
    );
  return (
    <div className="border-danger flex flex-col gap-2 rounded border p-2 text-sm" role="group" aria-label={label}>
      {warning}
      <div className="flex gap-2">
        <Button
          intent="danger"
          data-testid={testid ? testid + "-confirm" : undefined}
          onClick={() => {
            setOpen(false);
            onConfirm();
          }}
        >
          {t("workspaceSettings.common.confirmDelete")}
        </Button>
        <Button onClick={() => setOpen(false)}>{t("workspaceSettings.common.cancel")}</Button>
      </div>
    </div>
  );
}

/** Skeleton rows for a list's first load. */
export function SkeletonRows({ n = 3 }: { n?: number }) {
  return (
    <ul aria-hidden="true" className="flex flex-col gap-2">
      {Array.from({ length: n }, (_, i) => (
        <li key={i} className="bg-hover h-8 animate-pulse rounded" />
      ))}
    </ul>
  );
}

/** InlineName is a text input that saves on blur or Enter when changed. */
export function InlineName({ value, label, onSave, testid }: { value: string; label: string; onSave: (v: string) => void; testid?: string }) {
  const [v, setV] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setV(value);
  }
  const commit = () => {
    if (v.trim() !== value && v.trim() !== "") onSave(v.trim());
    else setV(value);
  };
  return (
    <input
      aria-label={label}
      data-testid={testid}
      className="border-line bg-bg hover:border-line focus:border-accent flex-1 rounded border border-transparent px-2 py-1 text-sm"
      value={v}
      onChange={(e) => setV(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          commit();
        } else if (e.key === "Escape") setV(value);
      }}
    />
  );
}

/** NewByName is the "add one by its name" form under a settings list
 * (a team, a stage): the name, the server's error for it, one button. */
export function NewByName({ title, label, submit, error, pending, name, onName, onSubmit }: {
  title: string;
  label: string;
  submit: string;
  error: unknown;
  pending: boolean;
  name: string;
  onName(v: string): void;
  onSubmit(): void;
}) {
  return (
    <Section title={title}>
      <form
        className="flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <div className="flex-1">
          <Field label={label} error={fieldError(error, "name") ?? generalError(error, ["name"])}>
            {(id, d) => <TextInput id={id} aria-describedby={d} className="w-full" value={name} onChange={(e) => onName(e.target.value)} />}
          </Field>
        </div>
        <Button intent="primary" type="submit" disabled={pending}>
          {submit}
        </Button>
      </form>
    </Section>
  );
}

/** SaveRow is a settings form's last row: its Save button, and "Saved"
 * once the last save went through (testid names both: `<id>-save`,
 * `<id>-saved`). */
export function SaveRow({ pending, saved, testid, className = "" }: { pending: boolean; saved: boolean; testid?: string; className?: string }) {
  const { t } = useTranslation();
  return (
    <div className={"flex items-center gap-3 " + className}>
      <Button intent="primary" type="submit" disabled={pending} data-testid={testid && `${testid}-save`}>
        {t("workspaceSettings.common.save")}
      </Button>
      {saved && !pending && (
        <span role="status" className="text-success text-sm" data-testid={testid && `${testid}-saved`}>
          {t("workspaceSettings.common.saved")}
        </span>
      )}
    </div>
  );
}
