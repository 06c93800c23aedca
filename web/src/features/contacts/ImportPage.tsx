// ImportPage: a CSV file's columns mapped to contact fields (each select
// prefilled from the header's name), the mode (add and update, add only,
// update only) and "do not overwrite", a dry run that validates every row
// without writing, the import itself with its progress (the server streams
// a line per batch of rows), and the report of rejected rows with their
// line and reason.
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ArrowLeft } from "lucide-react";
import { ApiError, csrfHeader } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { Button, Field, Select } from "../../lib/ui/form";
import type { ContactField } from "../../lib/types";
import { useFields, type ImportReport } from "./data";

// "id" is an export's first column: an edited export imports back onto its contacts.
export const TARGETS = ["id", "first_name", "last_name", "phone", "email", "language", "country", "lifecycle_stage", "tags"] as const;

const synonyms: Record<string, string> = {
  name: "first_name",
  firstname: "first_name",
  first: "first_name",
  given_name: "first_name",
  prenom: "first_name",
  lastname: "last_name",
  last: "last_name",
  surname: "last_name",
  family_name: "last_name",
  nom: "last_name",
  mobile: "phone",
  tel: "phone",
  telephone: "phone",
  phone_number: "phone",
  e_mail: "email",
  mail: "email",
  email_address: "email",
  lang: "language",
  locale: "language",
  pays: "country",
  stage: "lifecycle_stage",
  lifecycle: "lifecycle_stage",
  tag: "tags",
  labels: "tags",
};

/** parseHeader reads the first record of a CSV text (quotes and doubled quotes handled). */
export function parseHeader(text: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"', i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") (out.push(cell), (cell = ""));
    else if (ch === "\n" || ch === "\r") break;
    else cell += ch;
  }
  out.push(cell);
  if (out[0]) out[0] = out[0].replace(/^\uFEFF/, "");
  return out;
}

/** guessTarget maps a header to a field the way a person would read it ("" to ignore). */
export function guessTarget(header: string, fields: Pick<ContactField, "key" | "name">[]): string {
  const n = header
    .trim()
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\s-]+/g, "_")
    .replace(/[^a-z0-9_]/g, "");
  if ((TARGETS as readonly string[]).includes(n)) return n;
  if (synonyms[n]) return synonyms[n]!;
  const f = fields.find((x) => x.key === n || x.name.toLowerCase() === header.trim().toLowerCase());
  return f ? `fields.${f.key}` : "";
}

/** IMPORT_MODES: which rows an import writes (the server's mode part). */
export const IMPORT_MODES = ["add_and_update", "add_only", "update_only"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** importForm is the multipart body of POST /contacts/import. */
export function importForm(
  file: Blob,
  mapping: Record<string, string>,
  o: { dry: boolean; mode: ImportMode; keepExisting: boolean },
): FormData {
  const body = new FormData();
  body.set("mapping", JSON.stringify(mapping));
  body.set("dry_run", String(o.dry));
  body.set("mode", o.mode);
  body.set("overwrite", String(!o.keepExisting));
  body.set("file", file);
  return body;
}

type Phase = { kind: "idle" } | { kind: "running"; rows: number; dry: boolean } | { kind: "done"; report: ImportReport } | { kind: "error"; message: string; field?: string };

/** ImportLine is one NDJSON line of an import with ?progress=true. */
type ImportLine = { type: string; rows?: number; report?: ImportReport; error?: { message: string; field?: string } };

/**
 * importLinePhase is where a progress line leaves the import. An error
 * line keeps the field it names: a bad mapping arrives so (the answer
 * started before the mapping was read), and marks its column.
 */
export function importLinePhase(msg: ImportLine, dry: boolean): Phase | undefined {
  if (msg.type === "progress") return { kind: "running", rows: msg.rows ?? 0, dry };
  if (msg.type === "report" && msg.report) return { kind: "done", report: msg.report };
  if (msg.type === "error") return { kind: "error", message: msg.error?.message ?? "", field: msg.error?.field };
  return undefined;
}

export default function ImportPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fields = useFields().data?.data ?? [];
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  // The person's choices; a column they left alone shows the guess, made
  // again when the custom fields arrive, so a file picked before they
  // loaded still gets its custom columns mapped.
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const mapping: Record<string, string> = Object.fromEntries(
    headers.map((h) => [h, chosen[h] ?? guessTarget(h, fields)]));
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [mode, setMode] = useState<ImportMode>("add_and_update");
  const [keepExisting, setKeepExisting] = useState(false);

  const pick = async (f: File | null) => {
    setFile(f);
    setPhase({ kind: "idle" });
    setChosen({});
    if (!f) return setHeaders([]);
    setHeaders(parseHeader(await f.slice(0, 64 * 1024).text()));
  };

  const run = async (dry: boolean) => {
    if (!file) return;
    setPhase({ kind: "running", rows: 0, dry });
    const body = importForm(file, mapping, { dry, mode, keepExisting });
    try {
      const res = await fetch("/api/v1/contacts/import?progress=true", {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/x-ndjson", ...csrfHeader() },
      });
      if (!res.ok) {
        const e = (await res.json().catch(() => ({}))) as { error?: { message?: string; field?: string } };
        return setPhase({ kind: "error", message: e.error?.message ?? res.statusText, field: e.error?.field });
      }
      // One JSON object a line: progress after each batch, then the report.
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (value) buf += value;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const next = importLinePhase(JSON.parse(line) as ImportLine, dry);
          if (next) setPhase(next);
        }
        if (done) break;
      }
      if (!dry) {
        void qc.invalidateQueries({ queryKey: qk.contacts });
        void qc.invalidateQueries({ queryKey: qk.tags });
      }
    } catch (e) {
      setPhase({ kind: "error", message: e instanceof ApiError || e instanceof Error ? e.message : String(e) });
    }
  };

  const options = useMemo(
    () => [
      ["", t("contacts.import.ignore")],
      ...TARGETS.map((x) => [x, t(`contacts.field.${x}`)]),
      ...fields.map((f) => [`fields.${f.key}`, f.name]),
    ],
    [fields, t],
  );
  const running = phase.kind === "running";
  const mapError = phase.kind === "error" && phase.field?.startsWith("mapping") ? phase.field : undefined;

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-4xl flex-col gap-4 p-6">
        <div className="flex items-center gap-2">
          <Link to="/contacts" aria-label={t("contacts.back")} className="hover:bg-hover rounded p-1">
            <ArrowLeft size={18} aria-hidden />
          </Link>
          <h1 className="text-xl font-semibold">{t("contacts.import.title")}</h1>
        </div>
        <p className="text-muted text-sm">{t("contacts.import.help")}</p>
        <Field label={t("contacts.import.file")}>
          {(id) => (
            <input id={id} type="file" accept=".csv,text/csv" data-testid="import-file" className="text-sm"
              onChange={(e) => void pick(e.target.files?.[0] ?? null)} />
          )}
        </Field>

        {headers.length > 0 && (
          <section className="border-line rounded-lg border" aria-labelledby="import-mapping">
            <h2 id="import-mapping" className="border-line border-b px-4 py-2 text-sm font-semibold">
              {t("contacts.import.mapping")}
            </h2>
            <table className="w-full text-sm">
              <thead>
                <tr className="text-muted text-left text-xs uppercase">
                  <th className="px-4 py-1 font-semibold">{t("contacts.import.column")}</th>
                  <th className="px-4 py-1 font-semibold">{t("contacts.import.target")}</th>
                </tr>
              </thead>
              <tbody>
                {headers.map((h, i) => (
                  <tr key={i} className="border-line border-t">
                    <td className="px-4 py-1.5 font-mono text-xs">{h || t("contacts.import.noHeader")}</td>
                    <td className="px-4 py-1.5">
                      <Select aria-label={t("contacts.import.targetFor", { column: h })} data-testid={`import-map-${i}`}
                        aria-invalid={mapError === `mapping.${h}`} value={mapping[h] ?? ""}
                        onChange={(e) => setChosen((m) => ({ ...m, [h]: e.target.value }))}>
                        {options.map(([v, label]) => (
                          <option key={v} value={v}>
                            {label}
                          </option>
                        ))}
                      </Select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}

        <div className="flex flex-wrap items-end gap-4">
          <Field label={t("contacts.import.mode")}>
            {(id) => (
              <Select id={id} data-testid="import-mode" value={mode} onChange={(e) => setMode(e.target.value as ImportMode)}>
                {IMPORT_MODES.map((m) => (
                  <option key={m} value={m}>
                    {t(`contacts.import.modes.${m}`)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <label className="flex items-center gap-2 py-1.5 text-sm">
            <input type="checkbox" data-testid="import-keep-existing" checked={keepExisting} disabled={mode === "add_only"}
              onChange={(e) => setKeepExisting(e.target.checked)} />
            {t("contacts.import.keepExisting")}
          </label>
        </div>

        <div className="flex items-center gap-2">
          <Button data-testid="import-dry-run" disabled={!file || running} onClick={() => void run(true)}>
            {t("contacts.import.dryRun")}
          </Button>
          <Button intent="primary" data-testid="import-run" disabled={!file || running} onClick={() => void run(false)}>
            {t("contacts.import.run")}
          </Button>
          {running && (
            <span role="status" className="text-muted text-sm" data-testid="import-progress">
              {t("contacts.import.progress", { count: phase.rows })}
            </span>
          )}
        </div>

        {phase.kind === "error" && (
          <p role="alert" className="text-danger text-sm" data-testid="import-error">
            {phase.message}
          </p>
        )}
        {phase.kind === "done" && <Report report={phase.report} />}
      </div>
    </div>
  );
}

function Report({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  return (
    <section className="border-line rounded-lg border" data-testid="import-report" data-dry-run={report.dry_run}>
      <h2 className="border-line border-b px-4 py-2 text-sm font-semibold">
        {report.dry_run ? t("contacts.import.reportDry") : t("contacts.import.report")}
      </h2>
      <dl className="grid grid-cols-4 gap-2 px-4 py-3 text-sm">
        {(
          [
            ["rows", report.rows],
            ["created", report.created],
            ["updated", report.updated],
            ["rejected", report.rejected],
          ] as const
        ).map(([k, n]) => (
          <div key={k}>
            <dt className="text-muted text-xs">{t(`contacts.import.count.${k}`)}</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid={`import-${k}`}>
              {n}
            </dd>
          </div>
        ))}
      </dl>
      {report.errors.length > 0 && (
        <table className="w-full text-sm" data-testid="import-errors">
          <thead>
            <tr className="text-muted border-line border-t text-left text-xs uppercase">
              <th className="px-4 py-1 font-semibold">{t("contacts.import.line")}</th>
              <th className="px-4 py-1 font-semibold">{t("contacts.import.column")}</th>
              <th className="px-4 py-1 font-semibold">{t("contacts.import.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((e, i) => (
              <tr key={i} className="border-line border-t" data-testid="import-error-row" data-line={e.line}>
                <td className="px-4 py-1 tabular-nums">{e.line}</td>
                <td className="px-4 py-1">{e.column ?? e.field}</td>
                <td className="px-4 py-1">{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.errors_truncated && <p className="text-muted px-4 py-2 text-xs">{t("contacts.import.truncated")}</p>}
    </section>
  );
}
