// PanelSection: one titled part of the contact panel.
import type { ReactNode } from "react";

export function PanelSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="border-line border-b px-4 py-3">
      <h3 className="text-muted mb-2 text-xs font-semibold tracking-wide uppercase">{title}</h3>
      {children}
    </section>
  );
}
