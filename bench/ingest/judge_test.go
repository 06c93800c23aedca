package main

import "testing"

// A level is verified only when the store holds every acknowledged
// message once, from as many contacts as the load generator used.
func TestJudgeStored(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		senders                int
		acked, sent            int
		stored, distinct, ctcs int64
		want                   bool
	}{
		{"a contact per message", 0, 100, 100, 100, 100, 100, true},
		{"a contact missing", 0, 100, 100, 100, 100, 99, false},
		{"follow-ups from 10 contacts", 10, 100, 100, 100, 100, 10, true},
		{"follow-ups, fewer messages than senders", 10, 5, 5, 5, 5, 5, true},
		{"follow-ups, a contact made twice", 10, 100, 100, 100, 100, 11, false},
		{"a message stored twice", 10, 100, 100, 101, 100, 10, false},
		{"an acknowledged message lost", 10, 100, 100, 99, 99, 10, false},
		{"a failed request that committed", 0, 99, 100, 100, 100, 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := levelResult{Senders: tc.senders, Acked: tc.acked, Sent: tc.sent, Stored: tc.stored, Contacts: tc.ctcs}
			judgeStored(&res, tc.distinct)
			if res.Verified != tc.want {
				t.Errorf("verified %v, want %v (%s)", res.Verified, tc.want, res.VerifyNote)
			}
		})
	}
}
