package workspace

import (
	"encoding/base32"
	"testing"
	"time"
)

// RFC 6238's test vectors (appendix B, SHA-1, the 20-byte ASCII key
// "12345678901234567890"), cut to the 6 digits apps use.
func TestTOTPCodesOfRFC6238(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	} {
		got, err := totpCode(secret, totpStep(time.Unix(tc.unix, 0)))
		if err != nil || got != tc.want {
			t.Errorf("at %d: %q, %v; want %s", tc.unix, got, err, tc.want)
		}
	}
}

// A code matches within a step of now, never one already used.
func TestTOTPMatch(t *testing.T) {
	secret := newTOTPSecret()
	now := time.Date(2026, 12, 7, 10, 0, 15, 0, time.UTC)
	cur := totpStep(now)
	code := func(step int64) string {
		c, err := totpCode(secret, step)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name string
		code string
		last int64
		want int64 // 0: no match
	}{
		{"now's", code(cur), 0, cur},
		{"the step before", code(cur - 1), 0, cur - 1},
		{"the step after", code(cur + 1), 0, cur + 1},
		{"two steps old", code(cur - 2), 0, 0},
		{"used already", code(cur), cur, 0},
		{"older than the last used", code(cur - 1), cur, 0},
		{"not six digits", code(cur)[:5], 0, 0},
	} {
		step, ok, err := totpMatch(secret, tc.code, now, tc.last)
		if err != nil {
			t.Fatal(err)
		}
		if ok != (tc.want != 0) || step != tc.want {
			t.Errorf("%s: step %d, %v; want %d", tc.name, step, ok, tc.want)
		}
	}
}

func TestTOTPURI(t *testing.T) {
	got := totpURI("Switchboard", "ada@example.com", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Switchboard:ada@example.com?algorithm=SHA1&digits=6&issuer=Switchboard&period=30&secret=JBSWY3DPEHPK3PXP"
	if got != want {
		t.Errorf("uri %s\nwant %s", got, want)
	}
}
