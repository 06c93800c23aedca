// Form primitives shared by the settings and contacts screens, so every
// form looks and behaves the same: a label on every control, the server's
// error for a field right under it (ApiError.forField), one button style
// per intent.
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";

export function Field({
  label,
  error,
  hint,
  className,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  /** Added to the field's box: "col-span-2" spans a two-column form. */
  className?: string;
  children: (id: string, describedBy?: string) => ReactNode;
}) {
  const id = useId();
  const errID = `${id}-error`;
  const hintID = `${id}-hint`;
  // Described by what is shown: the error replaces the hint.
  const describedBy = error ? errID : hint ? hintID : undefined;
  return (
    <div className={"flex flex-col gap-1" + (className ? " " + className : "")}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children(id, describedBy)}
      {hint && !error && (
        <p id={hintID} className="text-muted text-xs">
          {hint}
        </p>
      )}
      {error && (
        <p id={errID} role="alert" className="text-danger text-xs">
          {error}
        </p>
      )}
    </div>
  );
}

const control = "border-line bg-bg rounded border px-2 py-1.5 text-sm aria-[invalid=true]:border-danger";

export function TextInput(props: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={control + " " + (props.className ?? "")} />;
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={control + " " + (props.className ?? "")} />;
}

type Intent = "primary" | "secondary" | "danger";
/** intents are the buttons' looks, for a control that is a button in parts (a split button). */
export const intents: Record<Intent, string> = {
  primary: "bg-accent text-accent-fg hover:opacity-90",
  secondary: "border-line bg-bg hover:bg-hover border",
  danger: "bg-danger text-bg hover:opacity-90", // text-bg: dark text on the dark theme's light red (contrast)
};

export function Button({ intent = "secondary", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { intent?: Intent }) {
  return (
    <button
      type="button"
      {...props}
      className={"rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50 " + intents[intent] + " " + (props.className ?? "")}
    />
  );
}

/** Section is one titled block of a settings page. */
export function Section({ title, description, actions, children }: { title: string; description?: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="border-line mb-6 rounded-lg border">
      <header className="border-line flex items-start gap-3 border-b px-4 py-3">
        <div className="flex-1">
          <h2 className="text-base font-semibold">{title}</h2>
          {description && <p className="text-muted mt-0.5 text-sm">{description}</p>}
        </div>
        {actions}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}
