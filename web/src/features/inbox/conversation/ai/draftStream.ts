// streamDraft asks for a reply draft as server-sent events and hands each
// piece of text to onDelta as the model writes it; it resolves to the whole
// draft. An error before the first piece comes back as JSON with its
// status; one midway comes as an "error" event. Both throw an ApiError.
import { ApiError, csrfHeader } from "../../../../lib/api";
import type { AiDraft } from "../../../../lib/types";

interface ErrorBody {
  error?: { code?: string; message?: string };
}

function apiError(status: number, body: ErrorBody | undefined, fallback: string): ApiError {
  return new ApiError(status, body?.error?.code ?? "http_" + status, body?.error?.message ?? fallback);
}

/** parseEvents splits server-sent events out of buf; it returns the events and what is left of an unfinished one. */
export function parseEvents(buf: string): { events: { event: string; data: string }[]; rest: string } {
  const events: { event: string; data: string }[] = [];
  const blocks = buf.replace(/\r\n/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

export async function streamDraft(conversationID: number, onDelta: (text: string) => void, signal?: AbortSignal): Promise<AiDraft> {
  const res = await fetch(`/api/v1/conversations/${conversationID}/ai/draft`, {
    method: "POST",
    headers: { Accept: "text/event-stream", ...csrfHeader() },
    credentials: "same-origin",
    signal,
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
    throw apiError(res.status, body, res.statusText || "request failed");
  }
  if (!(res.headers.get("Content-Type") ?? "").startsWith("text/event-stream") || !res.body) {
    const d = (await res.json()) as AiDraft; // a server that answered whole
    onDelta(d.text);
    return d;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    const parsed = parseEvents(buf);
    buf = parsed.rest;
    for (const e of parsed.events) {
      if (e.event === "delta") {
        text += (JSON.parse(e.data) as { text: string }).text;
        onDelta(text);
      } else if (e.event === "done") {
        return JSON.parse(e.data) as AiDraft;
      } else if (e.event === "error") {
        throw apiError(502, JSON.parse(e.data) as ErrorBody, "the draft stopped midway");
      }
    }
  }
  throw new ApiError(502, "ai_stream_ended", "the draft stopped before it was finished");
}
