package media

import (
	"bytes"
	"encoding/xml"
	"io"
	"mime"
	"net/http" // for DetectContentType alone: the WHATWG sniffing algorithm, no transport
	"strings"
)

// sniffLen is how many leading bytes the content type is decided from:
// http.DetectContentType reads 512, an MP3 without an ID3 tag needs its
// second frame's header (a frame is at most 2,881 bytes).
const sniffLen = 4096

// allowed maps each content type detected from the bytes that may be
// stored to the kind of attachment it is (the custom channel's types:
// image, audio, video, file). Anything else, HTML, SVG, scripts and
// executables among them, is refused. XML (detected by its <?xml
// declaration) is a document to download, like any file: served as an
// attachment in a sandbox, and refused when it is an SVG image or an
// XHTML page (see markupXML).
var allowed = map[string]string{
	"image/png":       "image",
	"image/jpeg":      "image",
	"image/gif":       "image",
	"image/webp":      "image",
	"application/pdf": "file",
	"text/plain":      "file",
	"text/xml":        "file",
	"audio/mpeg":      "audio",
	"audio/wave":      "audio",
	"audio/ogg":       "audio",
	"video/mp4":       "video",
	"video/webm":      "video",
}

// aliases are declared types that name the same thing as a detected one.
var aliases = map[string]string{
	"image/jpg":       "image/jpeg",
	"image/pjpeg":     "image/jpeg",
	"audio/mp3":       "audio/mpeg",
	"audio/wav":       "audio/wave",
	"audio/x-wav":     "audio/wave",
	"audio/vnd.wave":  "audio/wave",
	"application/ogg": "audio/ogg",
	"video/ogg":       "audio/ogg",
	"audio/mp4":       "video/mp4", // the sniffer calls every MP4 container video/mp4
	"audio/x-m4a":     "video/mp4",
	"application/xml": "text/xml",
}

// detect returns the content type of a file from its first bytes, as
// stored and served (text keeps its charset), and the bare media type.
func detect(head []byte) (full, bare string) {
	full = http.DetectContentType(head)
	bare, _, _ = mime.ParseMediaType(full)
	switch {
	case bare == "application/ogg":
		full, bare = "audio/ogg", "audio/ogg"
	case bare == "application/octet-stream" && isMP3(head):
		full, bare = "audio/mpeg", "audio/mpeg"
	}
	return full, bare
}

// isMP3 says whether head (a file's first bytes, all of them when it is
// shorter than sniffLen) is MPEG audio without an ID3 tag before it, as
// many encoders and recorders write MP3; the sniffer knows MP3 by its
// ID3 tag alone. A frame header must be followed by another (where the
// first frame's size says) or by the end of the file, as the WHATWG's
// "MP3 without ID3" signature asks.
func isMP3(head []byte) bool {
	size, ok := mpegFrameSize(head)
	if !ok || size > len(head) {
		return false
	}
	if size == len(head) {
		return true
	}
	_, ok = mpegFrameSize(head[size:])
	return ok
}

// mpegBitrates are the bit rates (kbit/s) of MPEG audio frames by version
// (MPEG-1, or MPEG-2 and 2.5), the header's layer bits (1: layer III, 2:
// II, 3: I) and its bit rate index.
var mpegBitrates = [2][4][15]int{
	{
		1: {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
		2: {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
		3: {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
	},
	{
		1: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		2: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		3: {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
	},
}

// mpegSampleRates are the sample rates (Hz) by the header's version bits
// (0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1) and its sample rate index.
var mpegSampleRates = [4][3]int{0: {11025, 12000, 8000}, 2: {22050, 24000, 16000}, 3: {44100, 48000, 32000}}

// mpegFrameSize returns the size of the MPEG audio frame whose header
// starts h, if it does start with one (a free or bad bit rate, a reserved
// version, layer or sample rate is none).
func mpegFrameSize(h []byte) (int, bool) {
	if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return 0, false
	}
	version, layer := h[1]>>3&3, h[1]>>1&3
	bitrate, rate, pad := h[2]>>4, h[2]>>2&3, int(h[2]>>1&1)
	if version == 1 || layer == 0 || bitrate == 0 || bitrate == 15 || rate == 3 {
		return 0, false
	}
	v := 1
	if version == 3 {
		v = 0
	}
	br, sr := mpegBitrates[v][layer][bitrate]*1000, mpegSampleRates[version][rate]
	switch {
	case layer == 3:
		return (12*br/sr + pad) * 4, true
	case layer == 1 && version != 3:
		return 72*br/sr + pad, true
	default:
		return 144*br/sr + pad, true
	}
}

// agrees says whether the type a client declared is compatible with the
// type detected from the content. No declaration, or a generic one, says
// nothing and agrees; a declaration that names another type is a lie (an
// HTML page declared image/png) and is refused.
func agrees(declared, detected string) bool {
	d, _, err := mime.ParseMediaType(declared)
	if declared == "" || (err == nil && d == "application/octet-stream") {
		return true
	}
	if err != nil {
		return false
	}
	if a, ok := aliases[d]; ok {
		d = a
	}
	if d == detected {
		return true
	}
	// Excel on Windows declares a .csv file as application/vnd.ms-excel
	// (the type Windows registers for it); a workbook is no text, and is
	// refused as what it is.
	if d == "application/vnd.ms-excel" {
		return detected == "text/plain" || detected == "text/xml"
	}
	// Text files come declared as what they hold (CSV, Markdown, JSON,
	// XML without its declaration): they are stored and served as plain
	// text all the same. HTML is not text here.
	if detected == "text/plain" {
		return d == "application/json" || (strings.HasPrefix(d, "text/") && d != "text/html")
	}
	// An XML document may be declared as the text it is.
	return detected == "text/xml" && d == "text/plain"
}

// markupNamespaces are those whose elements a browser renders as a page
// or an image, scripts and all.
var markupNamespaces = map[string]bool{"http://www.w3.org/2000/svg": true, "http://www.w3.org/1999/xhtml": true}

// markupXML says whether an XML document, of which head is the start, is
// an SVG image or an XHTML page: its root element is svg or html or in
// their namespaces. Such a file is refused as SVG and HTML are, though an
// XML file is only ever served as a download in a sandbox. A root not
// found in head (not well-formed, or after more than sniffLen bytes of
// comments and doctype) counts as markup: nothing says it is not.
func markupXML(head []byte) bool {
	dec := xml.NewDecoder(bytes.NewReader(head))
	dec.Strict = false
	// The names that matter are ASCII: any declared encoding reads as is.
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		if el, ok := tok.(xml.StartElement); ok {
			name := strings.ToLower(el.Name.Local)
			return name == "svg" || name == "html" || markupNamespaces[el.Name.Space]
		}
	}
}
