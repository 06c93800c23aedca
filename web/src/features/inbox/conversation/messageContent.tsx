// A message's content as the timeline shows it: its attachments (ours,
// or the ones a provider held and the node fetched), a shared location,
// quick replies, and the provider's name for a type it cannot show.
import { useTranslation } from "react-i18next";
import { AlertCircle, Clock, FileText } from "lucide-react";
import type { Message } from "../../../lib/types";
import type { Names } from "./eventText";
import { safeHref } from "./linkify";

/** senderName is who wrote a message as the timeline and the transcript
 * name them: the contact, the agent, or what sent it for the workspace. */
export function senderName(m: Message, names: Pick<Names, "user">, contactName: string, t: (k: string) => string): string {
  if (m.direction === "in") return contactName;
  if (m.sender === "user") return names.user(m.sender_user_id) ?? t("conversation.sender.user");
  return t(`conversation.sender.${m.sender}`) || m.sender;
}

/** AttachmentContent is an attachment message's content.attachment. */
export interface AttachmentContent {
  type?: string;
  url?: string;
  media_id?: string;
  file_name?: string;
  content_type?: string;
}

/** attachmentOf reads an attachment message's content (ours or the provider's). */
export function attachmentOf(m: Message): AttachmentContent | null {
  const c = m.content as { attachment?: AttachmentContent; type?: string } | null;
  if (!c || typeof c !== "object") return null;
  const a = c.attachment;
  if (!a || typeof a !== "object") return null;
  return a;
}

/** FetchedAttachment is one of the provider-held attachments of an inbound message, fetched into the media store. */
export interface FetchedAttachment extends AttachmentContent {
  status?: "pending" | "stored" | "failed";
  reason?: string;
  caption?: string;
}

/** attachmentsOf reads the attachments a provider held (content.attachments), each pending, stored or failed. */
export function attachmentsOf(m: Message): FetchedAttachment[] {
  const c = m.content as { attachments?: unknown } | null;
  if (!c || typeof c !== "object" || !Array.isArray(c.attachments)) return [];
  return c.attachments.filter((a): a is FetchedAttachment => !!a && typeof a === "object" && "status" in a);
}

/** unsupportedType: the provider's name for a message type Switchboard does not show. */
export function unsupportedType(m: Message): string {
  const c = m.content as Record<string, unknown> | null;
  if (!c || typeof c !== "object") return "";
  const named = (v: unknown) => (typeof v === "string" && v && v !== "unsupported" && v !== "unknown" ? v.slice(0, 60) : "");
  // provider_type, else a provider's own "<provider>_type" (whatsapp_type), else type…
  const own = Object.keys(c).filter((k) => k.endsWith("_type"));
  for (const v of [c.provider_type, ...own.map((k) => c[k]), c.type]) if (named(v)) return named(v);
  // …else the type inside the provider's payload's "unsupported" object (WhatsApp's {"unsupported": {"type": "poll_creation"}}).
  for (const v of Object.values(c)) {
    const inner = v && typeof v === "object" ? (v as { unsupported?: { type?: unknown } }).unsupported : undefined;
    if (inner && named(inner.type)) return named(inner.type);
  }
  return "";
}

export function FetchedAttachmentView({ a, onLoad }: { a: FetchedAttachment; onLoad(): void }) {
  const { t } = useTranslation();
  const name = a.file_name || t(`conversation.timeline.kind.${a.type === "image" || a.type === "audio" || a.type === "video" || a.type === "sticker" ? a.type : "file"}`);
  if (a.status === "stored") return <Attachment a={a.type === "sticker" ? { ...a, type: "image" } : a} onLoad={onLoad} />;
  if (a.status === "failed") {
    return (
      <span data-testid="attachment-failed" className="text-danger inline-flex items-center gap-1 text-xs">
        <AlertCircle size={12} aria-hidden="true" />
        {t("conversation.timeline.attachmentFailed", { name, reason: a.reason ?? "" })}
      </span>
    );
  }
  return (
    <span data-testid="attachment-pending" className="text-muted inline-flex items-center gap-1 text-xs italic">
      <Clock size={12} aria-hidden="true" />
      {t("conversation.timeline.attachmentPending", { name })}
    </span>
  );
}

/** locationOf: a map link for a location message's coordinates. */
export function locationOf(m: Message): string | null {
  const c = m.content as { type?: string; latitude?: unknown; longitude?: unknown } | null;
  if (!c || typeof c !== "object" || m.type !== "location") return null;
  const lat = Number(c.latitude);
  const lon = Number(c.longitude);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

/** quickReplies: the options a quick-reply message offered, as text. */
export function quickReplies(m: Message): string[] {
  const c = m.content as { replies?: unknown } | null;
  if (!c || typeof c !== "object" || !Array.isArray(c.replies)) return [];
  return c.replies
    .map((r: unknown) => (typeof r === "string" ? r : r && typeof r === "object" && "title" in r ? String((r as { title: unknown }).title) : ""))
    .filter(Boolean);
}

export function Attachment({ a, onLoad }: { a: AttachmentContent; onLoad(): void }) {
  const { t } = useTranslation();
  const name = a.file_name || t("conversation.timeline.attachment");
  if (a.media_id && /^[0-9a-f]{32}$/.test(a.media_id)) {
    const src = `/api/v1/media/${a.media_id}`;
    if (a.type === "image") {
      return (
        <a href={src} target="_blank" rel="noopener noreferrer" className="block">
          <img src={src} alt={t("conversation.timeline.image", { name })} onLoad={onLoad} className="border-line max-h-64 max-w-full rounded border" />
        </a>
      );
    }
    return (
      <a href={src} download={a.file_name || undefined} className="text-accent inline-flex items-center gap-1 underline">
        <FileText size={14} aria-hidden="true" />
        {t("conversation.timeline.download", { name })}
      </a>
    );
  }
  // A provider's file lives elsewhere: a link, never an embed (strict CSP, and no tracking pixel).
  const href = a.url ? safeHref(a.url) : null;
  if (!href) return <span className="text-muted italic">{t("conversation.timeline.attachment")}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="text-accent inline-flex items-center gap-1 break-all underline">
      <FileText size={14} aria-hidden="true" />
      {a.file_name || href}
    </a>
  );
}

