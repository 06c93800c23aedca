package csvcell

import "testing"

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Ada", "Ada"},
		{"=HYPERLINK(\"http://evil.test\",\"click\")", "'=HYPERLINK(\"http://evil.test\",\"click\")"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"+14155550100", "+14155550100"},
		{"-12.5", "-12.5"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{"'=1", "''=1"},
		{"'", "'"},
	} {
		got := Escape(c.in)
		if got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := Unescape(got); back != c.in {
			t.Errorf("Unescape(%q) = %q, want %q back", got, back, c.in)
		}
	}
}

func FuzzEscapeRoundTrip(f *testing.F) {
	for _, s := range []string{"", "=1+1", "'=1", "-5", "'", "''=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if risky(e) {
			t.Fatalf("Escape(%q) = %q is still a formula", s, e)
		}
		if Unescape(e) != s {
			t.Fatalf("Unescape(Escape(%q)) = %q", s, Unescape(e))
		}
	})
}
