package ai_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/ai"
)

// Chinese and Japanese are written without spaces: a sentence is one
// "word", so intents learnt from a few sentences must match others by
// the pairs of characters they share (退款 in 我想退款 and 我要退款), with
// the confidence the Classify step needs.
func TestIntentsInChineseAndJapanese(t *testing.T) {
	c := ai.Train(map[string][]string{
		"refund":   {"我想退款", "请帮我退款", "这个订单可以退钱吗", "返金してください"},
		"delivery": {"我的包裹在哪里", "快递什么时候到", "还没有收到货", "荷物はいつ届きますか"},
		"hours":    {"你们几点开门", "营业时间是什么", "周末营业吗", "営業時間を教えてください"},
	})
	for _, tc := range []struct{ text, want string }{
		{"我要退款", "refund"},
		{"能退钱吗", "refund"},
		{"返金したい", "refund"},
		{"包裹到哪了", "delivery"},
		{"什么时候能收到", "delivery"},
		{"荷物が届かない", "delivery"},
		{"今天几点开门", "hours"},
		{"周日营业吗", "hours"},
		{"営業時間は何時まで", "hours"},
	} {
		// Above the workspaces' default threshold, or Classify answers none.
		if got := c.Predict(tc.text); got.Label != tc.want || got.Confidence < ai.DefaultThreshold {
			t.Errorf("%s: %s (%.2f), want %s", tc.text, got.Label, got.Confidence, tc.want)
		}
	}
}
