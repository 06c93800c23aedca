// Avatar: initials on a colour derived from the name, dark enough for
// white text (WCAG AA); decorative: the name is always beside it or in
// the control's label.
const hues = [210, 160, 30, 280, 340, 100, 190, 250];

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  const a = parts[0]!.charAt(0);
  const b = parts.length > 1 ? parts[parts.length - 1]!.charAt(0) : "";
  return (a + b).toUpperCase();
}

export function Avatar({ name, size = 28 }: { name: string; size?: number }) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hues[h % hues.length];
  return (
    <span
      aria-hidden="true"
      className="inline-flex shrink-0 items-center justify-center rounded-full font-medium text-white"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hue} 50% 34%)` }}
    >
      {initials(name)}
    </span>
  );
}
