// What the unit tests' stubbed fetch answers with: a JSON response as the
// API writes one (none for a 204, which may carry no body).

export const json = (status: number, body: unknown) =>
  Promise.resolve(
    status === 204 ? new Response(null, { status }) : new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }),
  );

export const noContent = () => json(204, null);
