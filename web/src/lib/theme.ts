// The theme: the person's choice (kept in localStorage: not secret), else
// the system's, applied as a class on <html>.
export type Theme = "light" | "dark";

export function currentTheme(): Theme {
  const saved = localStorage.getItem("switchboard.theme");
  if (saved === "light" || saved === "dark") return saved;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyTheme(t: Theme = currentTheme()) {
  document.documentElement.classList.toggle("dark", t === "dark");
}

export function setTheme(t: Theme) {
  localStorage.setItem("switchboard.theme", t);
  applyTheme(t);
}
