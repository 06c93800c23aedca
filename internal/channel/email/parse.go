package email

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset" // decodes the charsets real mail uses (ISO-8859-*, Windows-125x, …)
	"github.com/emersion/go-message/mail"

	"github.com/switchboard-chat/switchboard/internal/channel/email/emailtext"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Bounds on what one message may make the parser do. What is past them is
// not read for the timeline; the raw message is kept whole all the same.
const (
	// MaxParts is how many MIME parts are looked at.
	MaxParts = 100
	// MaxAttachments is how many attachments become media references: as
	// many as the receive path takes of one message (more would have the
	// whole message refused).
	MaxAttachments = conversation.MaxMedia
	// MaxBodyBytes bounds a text or HTML body read.
	MaxBodyBytes = 4 << 20
	// maxHeaderBytes bounds a message's (or a part's) header block.
	maxHeaderBytes = 256 << 10
	// maxRefs is how many References ids are kept.
	maxRefs = 50
	// maxReplyTo is how many Reply-To addresses are kept.
	maxReplyTo = 10
)

// Email is what Switchboard reads of one message.
type Email struct {
	MessageID  string // without angle brackets; a hash of the raw bytes when the message has none
	InReplyTo  string
	References []string
	Subject    string
	Date       time.Time
	From       Address
	To, Cc     []Address
	ReplyTo    []Address // where the sender asks replies to go, when not to From
	// Text is the message's body as text: text/plain preferred, else the
	// HTML body as text.
	Text string
	// HTML says Text came from an HTML body.
	HTML bool
	// Attachments are the parts that are files (inline images with a
	// name among them), Index being their position in Walk order.
	Attachments []Part
	// Problems says what could not be read (malformed MIME, an unknown
	// charset…); what could be read is kept.
	Problems []string
	// AutoSubmitted says a program wrote the message (see
	// EmailContent.AutoSubmitted); "" for a person's.
	AutoSubmitted string
	// Bounce, for a delivery status notification (RFC 3464) saying a
	// message could not be delivered, names that message; nil otherwise.
	Bounce *Bounce
}

// Bounce is what a delivery status notification says of the message it
// returns.
type Bounce struct {
	MessageID string // the returned message's Message-ID
	Reason    string // the remote server's words, or the status code
}

// Address is a mailbox: its address (lower-cased) and display name.
type Address struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
}

// Part is an attachment of a message.
type Part struct {
	Index       int    // the leaf's position in Walk order: the media reference's part
	ContentType string // as declared
	FileName    string
	Size        int64 // decoded bytes
	Inline      bool
}

// Parse reads a raw message. It never fails: a message that cannot be read
// at all still yields its Message-ID (a hash of the bytes) and the
// problems met, so it is stored rather than dropped.
func Parse(raw []byte) Email {
	var e Email
	ent, err := message.ReadWithOptions(bytes.NewReader(raw), &message.ReadOptions{MaxHeaderBytes: maxHeaderBytes})
	if err != nil && ent == nil {
		e.Problems = append(e.Problems, "header: "+err.Error())
		e.MessageID = rawID(raw)
		e.Text = limit.Storable(string(raw), MaxBodyBytes)
		return e
	}
	if err != nil {
		e.Problems = append(e.Problems, err.Error())
	}
	h := mail.Header{Header: ent.Header}
	e.readHeader(h)
	if e.MessageID == "" {
		e.MessageID = rawID(raw)
	}
	// The text parts of each kind, in order: one body is most often one
	// part, but Apple Mail splits it around an image put inline.
	var plains, htmls []string
	var plainBytes, htmlBytes int
	topCT, topParams, _ := ent.Header.ContentType()
	report := topCT == "multipart/report" && strings.EqualFold(topParams["report-type"], "delivery-status")
	var bounce Bounce
	werr := walk(ent, func(idx int, part *message.Entity, perr error) error {
		if perr != nil {
			e.Problems = append(e.Problems, "part "+strconv.Itoa(idx)+": "+perr.Error())
		}
		ct, params, _ := part.Header.ContentType()
		if ct == "" {
			ct = "text/plain"
		}
		disp, dparams, _ := part.Header.ContentDisposition()
		name := fileName(params, dparams)
		if n, ok := rfc2231Param(part.Header.Get("Content-Disposition"), "filename"); ok {
			name = cleanLine(n, 200)
		} else if n, ok := rfc2231Param(part.Header.Get("Content-Type"), "name"); ok && name == "" {
			name = cleanLine(n, 200)
		}
		if report {
			switch ct {
			case "message/delivery-status", "message/rfc822", "text/rfc822-headers":
				// Read, and left readable for the attachment it also is.
				head, _ := io.ReadAll(io.LimitReader(part.Body, maxHeaderBytes))
				part.Body = io.MultiReader(bytes.NewReader(head), part.Body)
				if ct == "message/delivery-status" {
					bounce.Reason = failedDelivery(head)
				} else if bounce.MessageID == "" {
					bounce.MessageID = returnedID(head)
				}
			}
		}
		isText := ct == "text/plain" || ct == "text/html"
		if isText && disp != "attachment" && name == "" {
			// Both kinds are bounded as a whole, however many parts.
			parts, n := &plains, &plainBytes
			if ct == "text/html" {
				parts, n = &htmls, &htmlBytes
			}
			if *n >= MaxBodyBytes {
				return nil
			}
			body, err := readBody(io.LimitReader(part.Body, int64(MaxBodyBytes-*n)))
			if err != nil {
				e.Problems = append(e.Problems, "part "+strconv.Itoa(idx)+": "+err.Error())
			}
			if ct == "text/plain" && strings.EqualFold(params["format"], "flowed") {
				body = emailtext.Unflow(body, strings.EqualFold(params["delsp"], "yes"))
			}
			*parts, *n = append(*parts, body), *n+len(body)
			return nil
		}
		if strings.HasPrefix(ct, "multipart/") {
			return nil // a multipart with no parts left to walk
		}
		if name == "" && disp != "attachment" && strings.HasPrefix(ct, "image/") {
			// An unnamed inline image is the HTML's decoration (a
			// signature's logo, a tracking pixel): the raw message keeps it.
			return nil
		}
		if len(e.Attachments) >= MaxAttachments {
			e.Problems = append(e.Problems, "more than "+strconv.Itoa(MaxAttachments)+" attachments: the rest are only in the raw message")
			return errStop
		}
		n, err := io.Copy(io.Discard, part.Body)
		if err != nil {
			e.Problems = append(e.Problems, "part "+strconv.Itoa(idx)+": "+err.Error())
		}
		if n == 0 {
			return nil // nothing to keep (the store takes no empty file)
		}
		if name == "" {
			name = "part-" + strconv.Itoa(idx) + extension(ct)
		}
		e.Attachments = append(e.Attachments, Part{Index: idx, ContentType: ct, FileName: name, Size: n, Inline: disp == "inline"})
		return nil
	})
	if werr != nil && !errors.Is(werr, errStop) {
		e.Problems = append(e.Problems, "mime: "+werr.Error())
	}
	if bounce.MessageID != "" && bounce.Reason != "" {
		e.Bounce = &bounce
	}
	plain := joinText(plains)
	switch {
	case plain != "" || len(htmls) == 0:
		e.Text = plain
	default:
		e.Text, e.HTML = blankLines.ReplaceAllString(emailtext.HTMLToText(strings.Join(htmls, "<br><br>")), "\n\n"), true
	}
	return e
}

// failedDelivery reads the fields of a message/delivery-status part: the
// reason of its first recipient whose Action is failed ("" when none
// failed: a delay, a relay, a success).
func failedDelivery(b []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(b)))
	for {
		// The per-message fields, then one block per recipient.
		h, err := r.ReadMIMEHeader()
		action, _, _ := strings.Cut(h.Get("Action"), "(")
		if strings.EqualFold(strings.TrimSpace(action), "failed") {
			reason := h.Get("Diagnostic-Code")
			if t, v, ok := strings.Cut(reason, ";"); ok && !strings.ContainsAny(t, " ") {
				reason = v // "smtp; 550 …": the type is not the words
			}
			if reason = cleanLine(reason, 300); reason == "" {
				reason = "status " + cleanLine(h.Get("Status"), 20)
			}
			return "the message bounced: " + reason
		}
		if err != nil {
			return ""
		}
	}
}

// returnedID is the Message-ID of a returned message (or of its headers).
func returnedID(b []byte) string {
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(b))).ReadMIMEHeader()
	if id := strings.TrimSpace(h.Get("Message-Id")); strings.HasPrefix(id, "<") {
		id, _, _ = strings.Cut(id[1:], ">")
		return clipID(id)
	}
	return ""
}

// joinText is the text parts of a body as one text, a blank line between
// two parts.
func joinText(parts []string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(normalizeNewlines(p)); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n\n")
}

// blankLines are runs of empty lines, which HTML's nested blocks leave.
var blankLines = regexp.MustCompile(`\n[ \t]*\n(?:[ \t]*\n)+`)

// errStop ends a walk early without being a problem of the message.
var errStop = errors.New("stop")

// walk calls fn for each leaf part of ent in order, with its index, up to
// MaxParts parts; the index is what FetchMedia looks the part up by, so
// both go through here.
func walk(ent *message.Entity, fn func(idx int, part *message.Entity, err error) error) error {
	idx := 0
	seen := 0
	return ent.Walk(func(_ []int, part *message.Entity, err error) error {
		seen++
		if seen > MaxParts {
			return errors.New("more than " + strconv.Itoa(MaxParts) + " MIME parts: the rest are only in the raw message")
		}
		if part == nil {
			return err
		}
		if part.MultipartReader() != nil {
			return nil
		}
		i := idx
		idx++
		return fn(i, part, err)
	})
}

func (e *Email) readHeader(h mail.Header) {
	if id, err := h.MessageID(); err == nil && id != "" {
		e.MessageID = clipID(id)
	} else if v := strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>"); v != "" {
		e.MessageID = clipID(v)
	}
	if ids, err := h.MsgIDList("In-Reply-To"); err == nil && len(ids) > 0 {
		e.InReplyTo = clipID(ids[0])
	} else if v := strings.Trim(strings.TrimSpace(h.Get("In-Reply-To")), "<>"); v != "" && !strings.ContainsAny(v, " <>") {
		e.InReplyTo = clipID(v)
	}
	if ids, err := h.MsgIDList("References"); err == nil {
		if len(ids) > maxRefs {
			ids = ids[len(ids)-maxRefs:]
		}
		for _, id := range ids {
			e.References = append(e.References, clipID(id))
		}
	}
	if s, err := h.Subject(); err == nil {
		e.Subject = cleanLine(s, 998)
	} else {
		e.Subject = cleanLine(h.Get("Subject"), 998)
	}
	if d, err := h.Date(); err == nil {
		e.Date = obsZone(d)
	}
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		e.From = address(from[0])
	} else if a := looseAddress(h.Get("From")); a.Address != "" {
		e.From = a
	}
	e.To = addresses(h, "To")
	e.Cc = addresses(h, "Cc")
	if e.ReplyTo = addresses(h, "Reply-To"); len(e.ReplyTo) > maxReplyTo {
		e.ReplyTo = e.ReplyTo[:maxReplyTo]
	}
	e.AutoSubmitted = autoSubmitted(h)
}

// autoSubmitted is the message's Auto-Submitted value (RFC 3834), or
// auto-replied for the marks older responders set instead; "" for a
// person's message ("no", or none).
func autoSubmitted(h mail.Header) string {
	v, _, _ := strings.Cut(h.Get("Auto-Submitted"), ";")
	if v = strings.ToLower(cleanLine(v, 40)); v != "" && v != "no" {
		return v
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" ||
		strings.EqualFold(strings.TrimSpace(h.Get("Precedence")), "auto_reply") {
		return "auto-replied"
	}
	return ""
}

// obsZones are the zone names RFC 5322 (4.3) still reads, in seconds
// east of UTC.
var obsZones = map[string]int{"UT": 0, "GMT": 0, "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600}

// obsZone puts a date written with a zone name at that zone's offset:
// Go's parser reads a name it does not know in the node's location as
// UTC hours ("10:02 EST" as 10:02Z, five hours early).
func obsZone(d time.Time) time.Time {
	name, off := d.Zone()
	if want, ok := obsZones[name]; ok && off != want {
		return time.Date(d.Year(), d.Month(), d.Day(), d.Hour(), d.Minute(), d.Second(), d.Nanosecond(), time.FixedZone(name, want))
	}
	return d
}

func addresses(h mail.Header, key string) []Address {
	list, err := h.AddressList(key)
	if err != nil {
		return nil
	}
	var out []Address
	for _, a := range list {
		if len(out) == 100 {
			break
		}
		out = append(out, address(a))
	}
	return out
}

func address(a *mail.Address) Address {
	return Address{Name: cleanLine(a.Name, 200), Address: strings.ToLower(cleanLine(a.Address, 254))}
}

// looseAddress reads the address of a From header mail.AddressList
// refuses: the part between angle brackets, or a bare word with an @.
func looseAddress(v string) Address {
	if i, j := strings.LastIndex(v, "<"), strings.LastIndex(v, ">"); i >= 0 && j > i {
		return Address{Name: cleanLine(strings.Trim(strings.TrimSpace(v[:i]), `"`), 200), Address: strings.ToLower(cleanLine(v[i+1:j], 254))}
	}
	for _, f := range strings.Fields(v) {
		if strings.Contains(f, "@") {
			return Address{Address: strings.ToLower(cleanLine(f, 254))}
		}
	}
	return Address{}
}

func fileName(ctParams, dispParams map[string]string) string {
	name := dispParams["filename"]
	if name == "" {
		name = ctParams["name"]
	}
	if name != "" {
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
	}
	return cleanLine(name, 200)
}

// rfc2231Param decodes the parameter key of a header value when it is in
// RFC 2231's encoded form (key*=charset'lang'%XX…, or continued as
// key*0*=…; key*1*=…) in a charset other than UTF-8 or US-ASCII: the
// standard library decodes only those two, and dropped (or garbled) a
// file name an older or European client wrote in ISO-8859-1. ok is false
// when there is no such parameter, and the library's reading stands.
func rfc2231Param(header, key string) (string, bool) {
	pieces := map[int]string{}
	encoded := map[int]bool{}
	for _, p := range strings.Split(header, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		rest, ok := strings.CutPrefix(k, key+"*")
		if !ok {
			continue
		}
		n, enc := 0, true
		if rest != "" {
			num, star := strings.CutSuffix(rest, "*")
			i, err := strconv.Atoi(num)
			if err != nil || i < 0 || i > 100 {
				continue
			}
			n, enc = i, star
		}
		pieces[n], encoded[n] = strings.Trim(strings.TrimSpace(v), `"`), enc
	}
	first, ok := pieces[0]
	if !ok || !encoded[0] {
		return "", false
	}
	cs, rest, ok := strings.Cut(first, "'")
	if !ok {
		return "", false
	}
	if _, rest, ok = strings.Cut(rest, "'"); !ok { // the language
		return "", false
	}
	if l := strings.ToLower(cs); l == "" || l == "utf-8" || l == "us-ascii" {
		return "", false
	}
	pieces[0] = rest
	var raw []byte
	for i := 0; i < len(pieces); i++ {
		s, ok := pieces[i]
		if !ok {
			break
		}
		if encoded[i] {
			d, err := url.PathUnescape(s)
			if err != nil {
				return "", false
			}
			s = d
		}
		raw = append(raw, s...)
	}
	r, err := charset.Reader(cs, bytes.NewReader(raw))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return string(out), true
}

func extension(ct string) string {
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// readBody reads a text part, at most MaxBodyBytes of it, as valid UTF-8.
func readBody(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes))
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\x00", ""), err
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// cleanLine is a header value fit to store: one line, valid UTF-8, no
// control characters, at most max bytes.
func cleanLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return limit.CutBytes(strings.TrimSpace(s), max)
}

// maxIDLen bounds a message id: ids are provider message ids (at most
// conversation.MaxExternalLen) once the brackets are off.
const maxIDLen = 250

func clipID(id string) string {
	id = cleanLine(strings.Trim(strings.TrimSpace(id), "<>"), 1000)
	if len(id) > maxIDLen {
		// Too long to store as the provider id: a hash keeps it unique
		// and stable across redeliveries.
		sum := sha256.Sum256([]byte(id))
		return "sha256-" + hex.EncodeToString(sum[:]) + "@long-id"
	}
	return id
}

// rawID is the id of a message without a Message-ID: the same bytes
// delivered twice are the same message.
func rawID(raw []byte) string {
	sum := sha256.Sum256(authored(raw))
	return "sha256-" + hex.EncodeToString(sum[:]) + "@switchboard.invalid"
}

// traceHeaders are the headers servers add to a mail on its way (RFC
// 5321's trace fields and their kin): the copy the listener receives and
// the one a mailbox holds differ in them alone.
var traceHeaders = map[string]bool{"received": true, "return-path": true, "delivered-to": true, "x-original-to": true,
	"x-received": true, "arc-seal": true, "arc-message-signature": true, "arc-authentication-results": true,
	"authentication-results": true, "received-spf": true, "x-spam-status": true, "x-spam-score": true}

// authored is raw without its trace headers: what its sender wrote, the
// same however the mail reached us. Malformed mail is taken whole.
func authored(raw []byte) []byte {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	sep := 4
	if lf := bytes.Index(raw, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		end, sep = lf, 2
	}
	if end < 0 {
		return raw
	}
	var out bytes.Buffer
	skipping := false
	for _, line := range bytes.SplitAfter(raw[:end+sep/2], []byte("\n")) {
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') { // a folded line goes with its header
			if !skipping {
				out.Write(line)
			}
			continue
		}
		name, _, _ := bytes.Cut(line, []byte(":"))
		skipping = traceHeaders[strings.ToLower(strings.TrimSpace(string(name)))]
		if !skipping {
			out.Write(line)
		}
	}
	out.Write(raw[end+sep/2:])
	return out.Bytes()
}
