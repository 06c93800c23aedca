package emailtext

import (
	"strings"
	"testing"
)

func TestUnflow(t *testing.T) {
	for _, c := range []struct {
		name, in string
		delSp    bool
		want     string
	}{
		{"a paragraph cut by the client", "Hello, I ordered the brown boots last \nweek and they have not arrived \nyet.\n\nThanks,\nAda", false,
			"Hello, I ordered the brown boots last week and they have not arrived yet.\n\nThanks,\nAda"},
		{"DelSp=yes: the added space goes", "Bonjour, la commande n°4471 n'est  \ntoujours pas arrivée.", true,
			"Bonjour, la commande n°4471 n'est toujours pas arrivée."},
		{"DelSp=yes joins words cut mid-word (CJK clients)", "ご注文 \nありがとう", true, "ご注文ありがとう"},
		{"space-stuffed lines", " From the start\n  indented", false, "From the start\n indented"},
		{"the signature separator is not joined", "Thanks\n-- \nAda Lovelace", false, "Thanks\n-- \nAda Lovelace"},
		{"a quote is joined at its depth", "Yes.\n\n> On Monday you \n> wrote that it \n> shipped.\n>> Older \n>> text", false,
			"Yes.\n\n> On Monday you wrote that it shipped.\n>> Older text"},
		{"a flowed line before another depth stays fixed", "> quoted \nnot quoted", false, "> quoted \nnot quoted"},
		{"fixed lines stay", "line one\nline two\n", false, "line one\nline two\n"},
		{"CRLF", "one \r\ntwo\r\n", false, "one two\n"},
	} {
		if got := Unflow(c.in, c.delSp); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// Unflowing never adds text: what comes out is what came in, less the
// flowing spaces, quote marks and stuffing it undoes.
func FuzzUnflow(f *testing.F) {
	for _, s := range []string{"a \nb", "> q \n> r", " stuffed", "-- \nsig", ">>> deep \n>>> er", "\r\n \r\n"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, delSp bool) {
		out := Unflow(s, delSp)
		strip := func(v string) string {
			return strings.NewReplacer(" ", "", ">", "", "\n", "", "\r", "").Replace(v)
		}
		if strip(out) != strip(s) {
			t.Fatalf("Unflow(%q) = %q: its text changed", s, out)
		}
	})
}
