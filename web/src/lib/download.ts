// Handing the browser a file the page made (a workflow's export, a
// conversation's transcript): a link to the bytes, clicked once.

/** downloadFile saves text as a file named name, of type (a MIME type). */
export function downloadFile(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download holds its own copy once started; a second is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
