/**
 * fold lower-cases s and drops its accents (é → e, œ → oe, ß → ss), as the
 * server's searches fold text (knowledge.Fold): what a typed filter and a
 * text are compared through.
 */
export function fold(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/ß/g, "ss");
}
