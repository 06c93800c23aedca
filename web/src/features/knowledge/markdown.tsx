// A safe preview of an article's Markdown: headings, list items and
// paragraphs become React elements holding text; nothing is parsed as
// HTML, so an article can never inject markup.
import type { ReactNode } from "react";

export type Block = { kind: "h1" | "h2" | "h3" | "li" | "p"; text: string };

/** blocks cuts Markdown into headings, list items and paragraphs. */
export function blocks(md: string): Block[] {
  const out: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push({ kind: "p", text: para.join(" ") });
    para = [];
  };
  for (const raw of md.split(/\r?\n/)) {
    const line = raw.trim();
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const li = /^(?:[-*+]|\d+\.)\s+(.*)$/.exec(line);
    if (h) {
      flush();
      const level = (h[1] ?? "").length;
      out.push({ kind: level === 1 ? "h1" : level === 2 ? "h2" : "h3", text: (h[2] ?? "").replace(/\s*#+$/, "") });
    } else if (li) {
      flush();
      out.push({ kind: "li", text: li[1] ?? "" });
    } else if (line === "") {
      flush();
    } else {
      para.push(line);
    }
  }
  flush();
  return out;
}

/** inline renders **bold** runs; everything else stays text. */
function inline(text: string): ReactNode[] {
  return text.split(/(\*\*[^*]+\*\*)/g).map((part, i) =>
    part.startsWith("**") && part.endsWith("**") && part.length > 4 ? <strong key={i}>{part.slice(2, -2)}</strong> : part,
  );
}

export function MarkdownPreview({ source }: { source: string }) {
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="article-preview">
      {blocks(source).map((b, i) => {
        switch (b.kind) {
          case "h1":
            return <h3 key={i} className="text-base font-semibold">{inline(b.text)}</h3>;
          case "h2":
          case "h3":
            return <h4 key={i} className="font-semibold">{inline(b.text)}</h4>;
          case "li":
            return <p key={i} className="pl-4 before:mr-2 before:content-['•']">{inline(b.text)}</p>;
          default:
            return <p key={i}>{inline(b.text)}</p>;
        }
      })}
    </div>
  );
}
