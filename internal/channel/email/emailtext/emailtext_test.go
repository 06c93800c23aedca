package emailtext

import (
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"paragraphs and breaks", `<p>Hello <b>Ana</b>,</p><p>line one<br>line two</p>`, "Hello Ana,\n\nline one\nline two"},
		{"script, style and head dropped", `<html><head><title>T</title><style>p{color:red}</style></head><body><script>alert(1)</script><p>Safe</p></body></html>`, "Safe"},
		{"entities decoded, whitespace collapsed", "<div>Fish&nbsp;&amp;   chips\n\n  &lt;3</div>", "Fish & chips <3"},
		{"a link's address after its text", `Read <a href="https://acme.test/faq">our FAQ</a> first.`, "Read our FAQ (https://acme.test/faq) first."},
		{"a link showing its address", `<a href="https://acme.test">https://acme.test</a>`, "https://acme.test"},
		{"javascript links lose their address", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"mailto", `Write to <a href="mailto:help@acme.test">us</a>`, "Write to us (help@acme.test)"},
		{"lists", `<ul><li>one</li><li>two</li></ul>`, "- one\n\n- two"},
		{"image alt", `<img src="cid:x" alt="logo"> Acme`, "[logo] Acme"},
		{"preformatted text keeps its lines and spaces", "<p>The log:</p><pre>\nerror: disk full\n  at write (db.go:12)\n\ndone</pre><p>Help?</p>",
			"The log:\n\nerror: disk full\n  at write (db.go:12)\n\ndone\n\nHelp?"},
		{"unclosed tags", `<div><p>open <i>italic`, "open italic"},
		{"a table", `<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>`, "a b\n\nc"},
	} {
		if got := HTMLToText(tc.in); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestReply(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"gmail", "Yes, Tuesday works.\n\nOn Tue, 3 Mar 2026 at 10:02, Acme Support <support@acme.test> wrote:\n> When can we call you?\n> Acme", "Yes, Tuesday works."},
		{"gmail, header wrapped", "Thanks!\n\nOn Tue, 3 Mar 2026 at 10:02, Acme Support <support@acme.test>\nwrote:\n> Hi", "Thanks!"},
		{"apple mail", "Sure.\n\n> On 3 Mar 2026, at 10:02, Acme <support@acme.test> wrote:\n> \n> Hi", "Sure."},
		{"outlook", "Please cancel it.\r\n\r\n________________________________\r\nFrom: Acme Support <support@acme.test>\r\nSent: Tuesday, March 3, 2026 10:02 AM\r\nTo: Ana\r\nSubject: Your order", "Please cancel it."},
		{"outlook original message", "Done.\n\n-----Original Message-----\nFrom: Acme\nSent: Monday\n\nold text", "Done."},
		{"outlook header block without a line", "OK\n\nFrom: Acme Support <support@acme.test>\nDate: Tue, 3 Mar 2026\nSubject: Re: order\n\nold", "OK"},
		{"french", "Merci beaucoup.\n\nLe mar. 3 mars 2026 à 10:02, Acme <support@acme.test> a écrit :\n> Bonjour", "Merci beaucoup."},
		{"german", "Danke.\n\nAm Di., 3. März 2026 um 10:02 Uhr schrieb Acme <support@acme.test>:\n> Hallo", "Danke."},
		{"signature delimiter", "See attached.\n\n-- \nAna Silva\nCEO, Example Ltd", "See attached."},
		{"mobile signature", "On my way\n\nSent from my iPhone", "On my way"},
		{"bare quote block at the end", "Agreed\n\n> old line\n> another", "Agreed"},
		{"inline quotes kept when answered below", "> Is it blue?\nYes, blue.\n> And the size?\nLarge.", "> Is it blue?\nYes, blue.\n> And the size?\nLarge."},
		{"a sentence that starts with On is kept", "On Monday I will call you.\nThanks", "On Monday I will call you.\nThanks"},
		{"nothing left: keep everything", "On Tue, 3 Mar 2026, Acme wrote:\n> hi", "On Tue, 3 Mar 2026, Acme wrote:\n> hi"},
		{"plain message", "Hello,\nI need help with my order 1234.", "Hello,\nI need help with my order 1234."},
		{"the customer's own From/To lines are kept", "Please book me this flight:\nFrom: Paris\nTo: Berlin\nDate: 3 March\nThanks", "Please book me this flight:\nFrom: Paris\nTo: Berlin\nDate: 3 March\nThanks"},
		{"a move's From/To are kept", "We are moving.\n\nFrom: 12 Rue Lepic\nTo: 3 Calle Mayor\n\nPlease update the address.", "We are moving.\n\nFrom: 12 Rue Lepic\nTo: 3 Calle Mayor\n\nPlease update the address."},
		{"outlook header with a wrapped To", "Fine.\n\nFrom: Acme <support@acme.test>\nSent: Tuesday, March 3, 2026 10:02 AM\nTo: Ana <ana@x.test>; Bo <bo@x.test>;\n Cy <cy@x.test>; Di <di@x.test>\nCc: Ed <ed@x.test>\nSubject: Your order\n\nold", "Fine."},
		{"a gmail forward is kept whole", "FYI\n\n---------- Forwarded message ---------\nFrom: Bob <bob@x.test>\nDate: Tue, 3 Mar 2026\nSubject: Invoice\nTo: Ana\n\nPay it.", "FYI\n\n---------- Forwarded message ---------\nFrom: Bob <bob@x.test>\nDate: Tue, 3 Mar 2026\nSubject: Invoice\nTo: Ana\n\nPay it."},
		{"an apple mail forward is kept whole", "Begin forwarded message:\n\nFrom: Bob <bob@x.test>\nSubject: Invoice\nDate: 3 March 2026\nTo: Ana\n\nPay it.", "Begin forwarded message:\n\nFrom: Bob <bob@x.test>\nSubject: Invoice\nDate: 3 March 2026\nTo: Ana\n\nPay it."},
		{"french outlook header", "Merci.\n\nDe : Acme <support@acme.test>\nEnvoyé : jeudi 27 novembre 2025 10:02\nÀ : René\nObjet : Re: facture\n\nold", "Merci."},
	} {
		if got := Reply(tc.in); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{`<p>a<br>b</p>`, `<a href="https://x">y</a>`, `<script>x</script>z`, `<ul><li>1`, "&amp;&#x41;&bogus;", "<a><a><a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := HTMLToText(in)
		if strings.Contains(out, "<script") && !strings.Contains(in, "&lt;script") {
			t.Fatalf("markup leaked: %q → %q", in, out)
		}
	})
}

func FuzzReply(f *testing.F) {
	for _, s := range []string{"hi\n\nOn x wrote:\n> y", "-- \nsig", "> a\n> b", "From: a\nSent: b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Reply(in)
		if strings.TrimSpace(in) != "" && out == "" {
			t.Fatalf("Reply(%q) is empty", in)
		}
	})
}
