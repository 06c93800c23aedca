package email

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Each fixture is written in the format a real client sends (Gmail,
// Outlook, Apple Mail): what Switchboard reads of it.
func TestParseFixtures(t *testing.T) {
	for _, tc := range []struct {
		file                string
		id, inReplyTo       string
		refs                []string
		subject             string
		from, first, last   string
		to, cc              []string
		reply               string // the timeline's text
		fullHas, fullHasNot string
		html                bool
		attachments         []Part
		problems            bool
		date                string
	}{
		{file: "gmail_plain.eml", id: "CAJx9fQ2k8mV1pL3Zr7u8=K1x0aB4cD5eF6gH7iJ8kL9mN0oP1q@mail.gmail.com", subject: "Order #4512 has not arrived",
			from: "ada.lovelace@gmail.com", first: "Ada", last: "Lovelace", to: []string{"support@acme.example"},
			reply: "Hello,\n\nMy order #4512 was due last Friday and has not arrived yet. Could you\ncheck where it is?\n\nThanks,\nAda",
			date:  "2025-11-24T09:15:02Z"},
		{file: "gmail_alternative.eml", id: "CAF=7pQm3nY8rT2@mail.gmail.com", subject: "Invoice question", from: "grace.hopper@gmail.com",
			first: "Grace", last: "Hopper", to: []string{"support@acme.example"}, cc: []string{"billing@hopper.example"},
			reply: "Hi team,\n\nThe invoice for November shows 3 seats, we have 2. Can you fix it?\n\nGrace"},
		{file: "outlook_html_only.eml", id: "AM6PR05MB6120D3A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5@AM6PR05MB6120.eurprd05.prod.outlook.com",
			subject: "Cannot log in", from: "ada@contoso.example", first: "Ada", last: "Lovelace", to: []string{"support@acme.example"},
			reply: "Hello,\n\nI cannot log in since this morning & the reset link says expired.\n\nRegards,\n\nAda", html: true, fullHasNot: "alert"},
		{file: "apple_attachments.eml", id: "5B1F3C2D-7E8A-4B6C-9D0E-1F2A3B4C5D6E@turing.example", subject: "Broken part, photo attached",
			from: "alan@turing.example", first: "Alan", last: "Turing", to: []string{"support@acme.example"},
			reply: "The part arrived cracked, see the photo and the delivery note.\n\nAlan",
			attachments: []Part{{Index: 1, ContentType: "image/png", FileName: "IMG_0042.png", Size: 66, Inline: true},
				{Index: 2, ContentType: "application/pdf", FileName: "delivery-note.pdf", Size: 45}}},
		{file: "outlook_html_reply.eml", id: "AM6PR05MB6120E4F5A6B7C8D9@AM6PR05MB6120.eurprd05.prod.outlook.com", inReplyTo: "switchboard.1.12@acme.example",
			refs:    []string{"AM6PR05MB6120D3A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5@AM6PR05MB6120.eurprd05.prod.outlook.com", "switchboard.1.12@acme.example"},
			subject: "Re: Cannot log in", from: "ada@contoso.example", first: "Ada", last: "Lovelace", to: []string{"support@acme.example"},
			reply: "That worked, I am in. Thanks!\n\nAda Lovelace\nContoso Ltd.", html: true, fullHas: "Sent: Tuesday, November 25, 2025 9:30 AM"},
		{file: "gmail_reply_quoted.eml", id: "CAJx9fQ3reply@mail.gmail.com", inReplyTo: "switchboard.1.7@acme.example",
			refs:    []string{"CAJx9fQ2k8mV1pL3Zr7u8=K1x0aB4cD5eF6gH7iJ8kL9mN0oP1q@mail.gmail.com", "switchboard.1.7@acme.example"},
			subject: "Re: Order #4512 has not arrived", from: "ada.lovelace@gmail.com", first: "Ada", last: "Lovelace", to: []string{"support@acme.example"},
			reply: "It arrived this morning, thank you!", fullHas: "> Hello Ada, your parcel is with the carrier"},
		{file: "outlook_reply_latin1.eml", id: "PR3P193MB0894A1B2C3D4E5F6@PR3P193MB0894.EURP193.PROD.OUTLOOK.COM", inReplyTo: "switchboard.1.9@acme.example",
			refs: []string{"switchboard.1.9@acme.example"}, subject: "RE: Problème de facturation", from: "rene.descartes@outlook.fr",
			first: "René", last: "Descartes", to: []string{"support@acme.example"},
			reply: "Bonjour,\n\nMerci, la facture est corrigée. Très bien.\n\nRené", fullHas: "Envoyé : jeudi 27 novembre 2025 10:02"},
		{file: "encoded_subject_utf8.eml", id: "20251128020000.12345@example.cn", subject: "订单问题 — order 88", from: "li.ming@example.cn",
			first: "李明", to: []string{"support@acme.example"}, reply: "你好，我的订单 88 还没有发货。"},
		{file: "malformed_mime.eml", subject: "Truncated multipart", from: "broken@example.org", to: []string{"support@acme.example"},
			reply: "Text that survives.", problems: true,
			attachments: []Part{{Index: 1, ContentType: "application/octet-stream", FileName: "data.bin", Size: 6}}},
		// format=flowed (RFC 3676): the paragraph Thunderbird cut into lines
		// reads as one, the quote too.
		{file: "thunderbird_flowed.eml", id: "3f1c2a9e-88b1-4c1e-9a2b-7d1e5c4b2a10@noether.example", inReplyTo: "switchboard.1.31@acme.example",
			refs: []string{"switchboard.1.31@acme.example"}, subject: "Re: Your order 7781", from: "emmy@noether.example", first: "Emmy", last: "Noether",
			to:      []string{"support@acme.example"},
			reply:   "Hello, the replacement arrived but it is the wrong size again: I asked for a 38 and the box says 40. Could you send the right one and a label to return this pair?\n\nEmmy",
			fullHas: "> We have sent a replacement pair in size 38; it should reach you tomorrow."},
		{file: "no_message_id.eml", subject: "No id", from: "someone@example.net", first: "Someone", to: []string{"support@acme.example"},
			reply: "A message from a client that set no Message-ID."},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw := fixture(t, tc.file)
			e := Parse(raw)
			if tc.id == "" {
				tc.id = rawID(raw)
			}
			if e.MessageID != tc.id || e.InReplyTo != tc.inReplyTo || !slices.Equal(e.References, tc.refs) {
				t.Errorf("ids = %q, %q, %q; want %q, %q, %q", e.MessageID, e.InReplyTo, e.References, tc.id, tc.inReplyTo, tc.refs)
			}
			if e.Subject != tc.subject || e.From.Address != tc.from {
				t.Errorf("subject, from = %q, %q", e.Subject, e.From.Address)
			}
			var to, cc []string
			for _, a := range e.To {
				to = append(to, a.Address)
			}
			for _, a := range e.Cc {
				cc = append(cc, a.Address)
			}
			if !slices.Equal(to, tc.to) || !slices.Equal(cc, tc.cc) {
				t.Errorf("to, cc = %q, %q", to, cc)
			}
			if e.HTML != tc.html || (len(e.Problems) > 0) != tc.problems {
				t.Errorf("html = %v, problems = %q", e.HTML, e.Problems)
			}
			if !slices.Equal(e.Attachments, tc.attachments) {
				t.Errorf("attachments = %+v, want %+v", e.Attachments, tc.attachments)
			}
			if tc.date != "" && !e.Date.Equal(mustTime(tc.date)) {
				t.Errorf("date = %v", e.Date)
			}
			in := Inbound(chTest, e, "0123456789abcdef0123456789abcdef")
			if in.Text != tc.reply {
				t.Errorf("timeline text = %q, want %q", in.Text, tc.reply)
			}
			if in.ExternalID != tc.from || in.ProviderMessageID != tc.id || in.Kind != conversation.KindMessage || in.ChannelID != 3 || in.WorkspaceID != 2 {
				t.Errorf("inbound = %+v", in)
			}
			if got := deref(in.Profile.FirstName); got != tc.first {
				t.Errorf("first name = %q, want %q", got, tc.first)
			}
			if got := deref(in.Profile.LastName); got != tc.last {
				t.Errorf("last name = %q, want %q", got, tc.last)
			}
			if deref(in.Profile.Email) != tc.from {
				t.Errorf("profile email = %q", deref(in.Profile.Email))
			}
			var c Content
			if err := json.Unmarshal(in.Content, &c); err != nil {
				t.Fatal(err)
			}
			if c.Email.Subject != tc.subject || c.Email.MessageID != tc.id || c.Email.InReplyTo != tc.inReplyTo || c.Email.RawMediaID == "" {
				t.Errorf("content = %+v", c.Email)
			}
			if tc.fullHas != "" && !strings.Contains(c.Email.FullText, tc.fullHas) {
				t.Errorf("full text %q lacks %q", c.Email.FullText, tc.fullHas)
			}
			if tc.fullHasNot != "" && strings.Contains(c.Email.FullText, tc.fullHasNot) {
				t.Errorf("full text %q has %q", c.Email.FullText, tc.fullHasNot)
			}
			if len(in.Media) != len(tc.attachments) {
				t.Fatalf("media = %+v", in.Media)
			}
			for i, m := range in.Media {
				a := tc.attachments[i]
				if m.Ref != "0123456789abcdef0123456789abcdef/"+itoa(a.Index) || m.FileName != a.FileName || m.ContentType != a.ContentType {
					t.Errorf("media %d = %+v", i, m)
				}
			}
		})
	}
}

func TestAttachmentKinds(t *testing.T) {
	e := Parse(fixture(t, "apple_attachments.eml"))
	in := Inbound(chTest, e, "0123456789abcdef0123456789abcdef")
	if in.Media[0].Kind != "image" || in.Media[1].Kind != "file" {
		t.Fatalf("kinds = %s, %s", in.Media[0].Kind, in.Media[1].Kind)
	}
	// Without the raw message stored, attachments cannot be fetched: none
	// are announced, the text is kept.
	if in := Inbound(chTest, e, ""); len(in.Media) != 0 || in.Text == "" {
		t.Fatalf("without raw = %+v", in)
	}
}

// Bounds: a message of many parts is read up to MaxParts and kept with a
// problem noted; a huge header value and a long Message-ID are cut to fit
// what the store keeps.
func TestParseBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@b.example\r\nSubject: " + strings.Repeat("s", 5000) + "\r\nMessage-ID: <" + strings.Repeat("x", 400) + "@b.example>\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n")
	for i := range 300 {
		b.WriteString("--B\r\nContent-Type: application/octet-stream; name=f" + itoa(i) + ".bin\r\n\r\nx\r\n")
	}
	b.WriteString("--B--\r\n")
	e := Parse([]byte(b.String()))
	if len(e.Attachments) != MaxAttachments || len(e.Problems) == 0 {
		t.Fatalf("attachments = %d, problems = %q", len(e.Attachments), e.Problems)
	}
	if len(e.Subject) > 998 || len(e.MessageID) > conversation.MaxExternalLen {
		t.Fatalf("subject %d bytes, id %d bytes", len(e.Subject), len(e.MessageID))
	}
	if again := Parse([]byte(b.String())); again.MessageID != e.MessageID {
		t.Fatal("a long Message-ID must map to the same id every time")
	}
	in := Inbound(chTest, e, "0123456789abcdef0123456789abcdef")
	if len(in.Content) > conversation.MaxContentBytes {
		t.Fatalf("content is %d bytes", len(in.Content))
	}
	// A body over the content's room is cut there; the raw message keeps it.
	big := Parse([]byte("From: a@b.example\r\nSubject: big\r\n\r\n" + strings.Repeat("word ", 60000)))
	in = Inbound(chTest, big, "0123456789abcdef0123456789abcdef")
	var c Content
	json.Unmarshal(in.Content, &c)
	if len(in.Content) > conversation.MaxContentBytes || !c.Email.Truncated {
		t.Fatalf("content %d bytes, truncated %v", len(in.Content), c.Email.Truncated)
	}
}

// An inline image with a name is an attachment; one without (a
// signature's logo referenced by Content-ID) is not.
func TestInlineImages(t *testing.T) {
	raw := "From: a@b.example\r\nSubject: logo\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=R\r\n\r\n" +
		"--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi</p><img src=\"cid:logo\">\r\n" +
		"--R\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n" +
		"--R\r\nContent-Type: image/png; name=\"photo.png\"\r\nContent-Disposition: inline; filename=\"photo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--R--\r\n"
	e := Parse([]byte(raw))
	if len(e.Attachments) != 1 || e.Attachments[0].FileName != "photo.png" || e.Attachments[0].Index != 2 || e.Text != "Hi" {
		t.Fatalf("attachments = %+v, text %q", e.Attachments, e.Text)
	}
}

// Garbage is still a message: stored with an id, never dropped.
func TestParseGarbage(t *testing.T) {
	for _, raw := range []string{"", "\x00\x01\x02", "no header at all", "From: \r\n\r\n", "Content-Type: multipart/mixed\r\n\r\n--"} {
		e := Parse([]byte(raw))
		if e.MessageID == "" {
			t.Errorf("Parse(%q) has no id", raw)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		raw, _ := os.ReadFile(name)
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e := Parse(raw)
		if e.MessageID == "" || len(e.MessageID) > conversation.MaxExternalLen {
			t.Fatalf("message id %q", e.MessageID)
		}
		in := Inbound(chTest, e, "0123456789abcdef0123456789abcdef")
		if !json.Valid(in.Content) || len(in.Content) > conversation.MaxContentBytes {
			t.Fatalf("content %d bytes", len(in.Content))
		}
		if len(e.Attachments) > MaxAttachments {
			t.Fatalf("%d attachments", len(e.Attachments))
		}
		if len(e.Attachments) > 0 {
			// Every announced part can be extracted again by its index.
			if _, _, _, err := extractPart(strings.NewReader(string(raw)), e.Attachments[0].Index); err != nil {
				t.Fatalf("extract part %d: %v", e.Attachments[0].Index, err)
			}
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// A forwarded mail is the message the customer passes on: the timeline
// shows it, not only the few words written above it (or, with none,
// only the client's "Forwarded message" line). A reply quoting a
// forward is still cut at its quote.
func TestForwardedMailShowsTheForwardedMessage(t *testing.T) {
	const fwd = "Please pay invoice 12 by Friday."
	for _, tc := range []struct {
		name, subject, body string
		want                []string // what the timeline's text holds
		wantNot             string
	}{
		{name: "gmail, with a note", subject: "Fwd: Invoice 12",
			body: "Is this one of yours?\n\n---------- Forwarded message ---------\nFrom: Bob <bob@vendor.example>\nDate: Tue, 3 Mar 2026 at 10:02\nSubject: Invoice 12\nTo: Ada <ada@x.example>\n\n" + fwd,
			want: []string{"Is this one of yours?", fwd}},
		{name: "gmail, nothing written", subject: "Fwd: Invoice 12",
			body: "---------- Forwarded message ---------\nFrom: Bob <bob@vendor.example>\nDate: Tue, 3 Mar 2026 at 10:02\nSubject: Invoice 12\nTo: Ada <ada@x.example>\n\n" + fwd,
			want: []string{fwd}},
		{name: "apple mail", subject: "Fwd: Invoice 12",
			body: "Look at this\n\nBegin forwarded message:\n\nFrom: Bob <bob@vendor.example>\nSubject: Invoice 12\nDate: 3 March 2026 at 10:02:00 CET\nTo: Ada <ada@x.example>\n\n" + fwd,
			want: []string{"Look at this", fwd}},
		{name: "outlook", subject: "FW: Invoice 12",
			body: "See below\n\n________________________________\nFrom: Bob <bob@vendor.example>\nSent: Tuesday, March 3, 2026 10:02 AM\nTo: Ada <ada@x.example>\nSubject: Invoice 12\n\n" + fwd,
			want: []string{"See below", fwd}},
		{name: "french outlook", subject: "TR: Facture 12",
			body: "Voir ci-dessous\n\nDe : Bob <bob@vendor.example>\nEnvoyé : mardi 3 mars 2026 10:02\nÀ : Ada\nObjet : Facture 12\n\n" + fwd,
			want: []string{"Voir ci-dessous", fwd}},
		{name: "forward marker with no forward subject", subject: "Invoice 12",
			body: "FYI\n\n---------- Forwarded message ---------\nFrom: Bob <bob@vendor.example>\nDate: Tue, 3 Mar 2026 at 10:02\nSubject: Invoice 12\nTo: Ada\n\n" + fwd,
			want: []string{"FYI", fwd}},
		{name: "a reply to a forward is cut at its quote", subject: "Re: Fwd: Invoice 12",
			body: "Thanks, paid.\n\nOn Tue, 3 Mar 2026 at 11:00, Acme <support@acme.example> wrote:\n> ---------- Forwarded message ---------\n> " + fwd,
			want: []string{"Thanks, paid."}, wantNot: fwd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := "From: Ada <ada@x.example>\r\nTo: support@acme.example\r\nSubject: " + tc.subject + "\r\nMessage-ID: <fwd@x.example>\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(tc.body, "\n", "\r\n") + "\r\n"
			in := Inbound(chTest, Parse([]byte(raw)), "")
			for _, w := range tc.want {
				if !strings.Contains(in.Text, w) {
					t.Errorf("timeline text %q lacks %q", in.Text, w)
				}
			}
			if tc.wantNot != "" && strings.Contains(in.Text, tc.wantNot) {
				t.Errorf("timeline text %q has %q", in.Text, tc.wantNot)
			}
		})
	}
}

// Apple Mail puts an image inline where it was dropped, splitting the
// text in two parts around it: both are the message.
func TestTextAroundAnInlineImageIsKept(t *testing.T) {
	for _, tc := range []struct {
		name, ct string
		first    string
		second   string
		want     string
	}{
		{"plain", "text/plain", "Here is the photo:", "And my order number is 4512.", "Here is the photo:\n\nAnd my order number is 4512."},
		{"html", "text/html", "<p>Here is the photo:</p>", "<p>And my order number is 4512.</p>", "Here is the photo:\n\nAnd my order number is 4512."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := "From: a@b.example\r\nSubject: split\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" +
				"--B\r\nContent-Type: " + tc.ct + "; charset=us-ascii\r\n\r\n" + tc.first + "\r\n" +
				"--B\r\nContent-Type: image/png; name=\"p.png\"\r\nContent-Disposition: inline; filename=p.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n" +
				"--B\r\nContent-Type: " + tc.ct + "; charset=us-ascii\r\n\r\n" + tc.second + "\r\n--B--\r\n"
			e := Parse([]byte(raw))
			if e.Text != tc.want || len(e.Attachments) != 1 {
				t.Fatalf("text %q, attachments %+v; want %q and the image", e.Text, e.Attachments, tc.want)
			}
		})
	}
	// The alternatives of one body are still one text, not two.
	e := Parse(fixture(t, "gmail_alternative.eml"))
	if strings.Count(e.Text, "The invoice for November") != 1 {
		t.Fatalf("alternative read twice: %q", e.Text)
	}
}

// A Date in the zone names RFC 5322 still reads (older mailers write
// "EST", "PDT") is at that zone's offset, not read as UTC hours off.
func TestDateInAnOldZoneName(t *testing.T) {
	for _, tc := range []struct{ date, want string }{
		{"Tue, 3 Mar 2026 10:02:00 EST", "2026-03-03T15:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 EDT", "2026-03-03T14:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 CST", "2026-03-03T16:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 MDT", "2026-03-03T16:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 PST", "2026-03-03T18:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 PDT", "2026-03-03T17:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 GMT", "2026-03-03T10:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 -0500 (EST)", "2026-03-03T15:02:00Z"},
		{"Tue, 3 Mar 2026 10:02:00 +0100", "2026-03-03T09:02:00Z"},
	} {
		e := Parse([]byte("From: a@b.example\r\nDate: " + tc.date + "\r\n\r\nx"))
		if !e.Date.Equal(mustTime(tc.want)) {
			t.Errorf("Date: %s = %s, want %s", tc.date, e.Date.UTC().Format(time.RFC3339), tc.want)
		}
	}
}

// A file name in RFC 2231's encoded form in another charset than UTF-8
// (older and European clients write ISO-8859-1) keeps its name: the
// standard library decodes only UTF-8 and US-ASCII ones, and such files
// showed as part-N.pdf.
func TestFileNamesInRFC2231Charsets(t *testing.T) {
	for _, c := range []struct{ disp, want string }{
		{`attachment; filename*=iso-8859-1''%E9t%E9.pdf`, "été.pdf"},
		{`attachment; filename*0*=ISO-8859-1'fr'r%E9sum; filename*1*=%E9.pdf`, "résumé.pdf"},
		{`attachment; filename*=windows-1252''%80uro%20costs.xlsx`, "€uro costs.xlsx"},
		{`attachment; filename*=UTF-8''%C3%A9t%C3%A9.pdf`, "été.pdf"},
		{`attachment; filename="plain.pdf"`, "plain.pdf"},
	} {
		raw := "From: a@b.example\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" +
			"--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
			"--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: " + c.disp + "\r\n\r\nx\r\n--B--\r\n"
		e := Parse([]byte(raw))
		if len(e.Attachments) != 1 || e.Attachments[0].FileName != c.want {
			t.Errorf("%s: attachments %+v, want one named %q", c.disp, e.Attachments, c.want)
		}
	}
}

// A mail without a Message-ID gets one from what its sender wrote, not
// from its trace headers: the copy the SMTP listener receives and the one
// IMAP reads from a mailbox (Received, Delivered-To, Return-Path added on
// the way) are one mail, stored once. A different body is another mail.
func TestMailWithoutMessageIDHasOneIDWhateverItsTrace(t *testing.T) {
	body := "From: Someone <someone@example.net>\r\nTo: support@acme.example\r\nSubject: No id\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\nHello, is anyone there?\r\n"
	viaSMTP := Parse([]byte("Received: from mx1.example.net by mx.test; Tue, 1 Dec 2026 10:00:01 +0000\r\n" + body))
	viaIMAP := Parse([]byte("Return-Path: <someone@example.net>\r\nDelivered-To: support@acme.example\r\nReceived: from mx2.example.net by imap.example; Tue, 1 Dec 2026 10:00:03 +0000\r\n" +
		"Received: from mx1.example.net by mx.test; Tue, 1 Dec 2026 10:00:01 +0000\r\n" + body))
	if viaSMTP.MessageID == "" || viaSMTP.MessageID != viaIMAP.MessageID {
		t.Fatalf("ids %q and %q, want one", viaSMTP.MessageID, viaIMAP.MessageID)
	}
	other := Parse([]byte(strings.Replace(body, "anyone", "someone", 1)))
	if other.MessageID == viaSMTP.MessageID {
		t.Fatal("another body has the same id")
	}
}
