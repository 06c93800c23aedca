export function Kbd({ children }: { children: string }) {
  return (
    <kbd className="border-line bg-subtle text-muted rounded border px-1 font-mono text-[11px] leading-4">{children}</kbd>
  );
}
