package telegram

import (
	"strconv"
	"strings"
	"testing"
)

// A button's callback_data is the option when it fits Telegram's 64
// bytes, else its 1-based index; either way a press answers the option.
func TestKeyboardRoundTrip(t *testing.T) {
	options := []string{"Sales", strings.Repeat("é", 33), "#1", strings.Repeat("a", 64), "Sales"}
	kb := keyboard(append(options[:3:3], append([]string{" "}, options[3:]...)...)) // a blank option has no button
	wantData := []string{"Sales", "#2", "#3", strings.Repeat("a", 64), "Sales"}
	if len(kb.InlineKeyboard) != len(options) {
		t.Fatalf("%d rows", len(kb.InlineKeyboard))
	}
	for i, row := range kb.InlineKeyboard {
		if len(row) != 1 || row[0].Text != options[i] || row[0].CallbackData != wantData[i] || len(row[0].CallbackData) > maxCallbackData {
			t.Errorf("row %d = %+v", i, row)
		}
		press := &CallbackQuery{ID: "q", Data: row[0].CallbackData, Message: &Message{ReplyMarkup: kb}}
		if got := answerOf(press); got != options[i] {
			t.Errorf("pressing row %d answers %q, want %q", i, got, options[i])
		}
	}
	many := make([]string, MaxButtons+5)
	for i := range many {
		many[i] = strconv.Itoa(i)
	}
	if n := len(keyboard(many).InlineKeyboard); n != MaxButtons {
		t.Errorf("%d buttons, want at most %d", n, MaxButtons)
	}
	if keyboard(nil) != nil || keyboard([]string{""}) != nil {
		t.Error("a keyboard without options")
	}
	// Without the keyboard (the message is too old): the index stands.
	if got := answerOf(&CallbackQuery{Data: "#2"}); got != "2" {
		t.Errorf("index alone answers %q", got)
	}
	if got := answerOf(&CallbackQuery{Data: "#x"}); got != "#x" {
		t.Errorf("odd data answers %q", got)
	}
}
