// DateTimeInput: a date with an optional time of day (the schema's format
// "local-datetime": Date & Time's date_range from and to), as the
// browser's date and time inputs. Stored as "YYYY-MM-DD" or
// "YYYY-MM-DD HH:MM"; without a time the whole day counts (from its start,
// or to its end). A stored value of another shape (typed through the API)
// is shown as text, to be read and mended, not blanked by a date input.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { splitLocalDateTime } from "./schema";

export function DateTimeInput({
  id,
  label,
  value,
  onChange,
  className,
  describedBy,
  ...aria
}: {
  id: string;
  label: string;
  value: string;
  onChange(v: string | undefined): void;
  className: string;
  describedBy?: string;
  "data-schema-path": string;
  "aria-invalid"?: boolean;
  "aria-required"?: boolean;
}) {
  const { t } = useTranslation();
  const parts = splitLocalDateTime(value);
  // The time typed while the date is empty has no value to live in: it is
  // kept here until a date comes.
  const [pendingTime, setPendingTime] = useState("");
  if (!parts) {
    return <input {...aria} id={id} aria-describedby={describedBy} type="text" className={className} value={value} onChange={(e) => onChange(e.target.value || undefined)} />;
  }
  const time = parts.date ? parts.time : pendingTime;
  const write = (date: string, time: string) => {
    if (!date) setPendingTime(time);
    onChange(date ? (time ? `${date} ${time}` : date) : undefined);
  };
  // The form's control look, the date taking the room the time leaves.
  const narrow = className.replace(/\bw-full\b/, "");
  return (
    <div className="flex gap-2">
      <input {...aria} id={id} aria-describedby={describedBy} type="date" className={narrow + " flex-1"} value={parts.date} onChange={(e) => write(e.target.value, time)} />
      <input
        data-schema-path={aria["data-schema-path"] + ".time"}
        aria-label={t("builderDrawer.timeOf", { label })}
        aria-describedby={describedBy}
        type="time"
        step={60}
        className={narrow + " w-32 shrink-0"}
        value={time}
        onChange={(e) => write(parts.date, e.target.value)}
      />
    </div>
  );
}
