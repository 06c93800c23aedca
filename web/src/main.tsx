import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./index.css";
import "./lib/i18n";
import { applyTheme } from "./lib/theme";
import { setNonce } from "get-nonce";
import { App } from "./app/App";

// The page's CSP nonce (web/headers.go), for the one <style> element the
// app writes: Radix's scroll lock while a dialog is open.
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (nonce && nonce !== "__CSP_NONCE__") setNonce(nonce);
applyTheme();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
