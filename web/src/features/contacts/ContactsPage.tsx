// ContactsPage: the contacts area, mounted at /contacts/*: the list, a
// contact's page, the CSV import and the merge suggestions.
import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { ContactList } from "./ContactList";

const ContactDetailPage = lazy(() => import("./ContactDetail"));
const ImportPage = lazy(() => import("./ImportPage"));
const MergeSuggestionsPage = lazy(() => import("./MergeSuggestions"));

export default function ContactsPage() {
  const { t } = useTranslation();
  return (
    <main data-testid="contacts" className="flex min-h-0 min-w-0 flex-1 flex-col">
      <Suspense fallback={<p className="text-muted p-6">{t("contacts.loading")}</p>}>
        <Routes>
          <Route index element={<ContactList />} />
          <Route path="import" element={<ImportPage />} />
          <Route path="merge" element={<MergeSuggestionsPage />} />
          <Route path=":contactID" element={<ContactDetailPage />} />
        </Routes>
      </Suspense>
    </main>
  );
}
