// Contact content is text, never HTML: React escapes every character, and
// http(s) URLs alone become anchors that open (on click) in a new tab
// without giving the page a handle on ours.
import { markWords } from "./highlight";

export type Token = { type: "text"; text: string } | { type: "link"; text: string; href: string };

const urlRe = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** trimURL drops trailing punctuation that ends a sentence, not the URL. */
function trimURL(raw: string): string {
  let url = raw;
  for (;;) {
    const last = url.charAt(url.length - 1);
    if (".,;:!?'\"".includes(last)) url = url.slice(0, -1);
    else if (last === ")" && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1);
    else if (last === "]" && !url.includes("[")) url = url.slice(0, -1);
    else return url;
  }
}

export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

export function linkify(text: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(urlRe)) {
    const start = m.index ?? 0;
    const url = trimURL(m[0]);
    const href = safeHref(url);
    if (!href) continue;
    if (start > last) out.push({ type: "text", text: text.slice(last, start) });
    out.push({ type: "link", text: url, href });
    last = start + url.length;
  }
  if (last < text.length) out.push({ type: "text", text: text.slice(last) });
  return out;
}

/**
 * RichText shows text with its links clickable; line breaks are kept by
 * CSS (whitespace-pre-wrap). marks, the words of a message search (folded),
 * are marked where the text holds them.
 */
export function RichText({ text, className, testID, marks }: { text: string; className?: string; testID?: string; marks?: string[] }) {
  return (
    <span className={className} data-testid={testID}>
      {linkify(text).map((tok, i) =>
        tok.type === "link" ? (
          <a key={i} href={tok.href} target="_blank" rel="noopener noreferrer" className="text-accent underline [overflow-wrap:anywhere]">
            {tok.text}
          </a>
        ) : marks?.length ? (
          <span key={i}>
            {markWords(tok.text, marks).map((p, j) =>
              p.mark ? (
                <mark key={j} className="bg-accent/20 text-fg rounded-sm">
                  {p.text}
                </mark>
              ) : (
                p.text
              ),
            )}
          </span>
        ) : (
          <span key={i}>{tok.text}</span>
        ),
      )}
    </span>
  );
}
