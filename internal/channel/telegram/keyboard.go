package telegram

import (
	"strconv"
	"strings"
)

// MaxButtons is how many quick replies an outbound message carries as
// inline buttons: Telegram refuses larger inline keyboards (its limit is
// 100 buttons, not documented as such; Ask a Question offers at most 10).
const MaxButtons = 100

// maxCallbackData is the most bytes a button's callback_data may hold.
const maxCallbackData = 64

// indexPrefix marks a callback_data that is a button's position rather
// than the option itself.
const indexPrefix = "#"

// callbackData is the callback_data of the i-th (0-based) quick reply:
// the option itself when it fits in 64 bytes, so that a press answers
// with it verbatim; otherwise "#<i+1>", resolved back from the keyboard
// the press comes with (see answerOf).
func callbackData(i int, option string) string {
	if len(option) <= maxCallbackData && option != "" && !strings.HasPrefix(option, indexPrefix) {
		return option
	}
	return indexPrefix + strconv.Itoa(i+1)
}

// keyboard is the inline keyboard of quick replies: one button a row, so
// long options stay readable; nil when there are none.
func keyboard(options []string) *InlineKeyboardMarkup {
	if len(options) == 0 {
		return nil
	}
	kb := &InlineKeyboardMarkup{}
	for i, o := range options {
		if len(kb.InlineKeyboard) == MaxButtons {
			break
		}
		if strings.TrimSpace(o) == "" {
			continue // Telegram refuses a button without text
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, []InlineKeyboardButton{{Text: o, CallbackData: callbackData(i, o)}})
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil
	}
	return kb
}

// answerOf is the option a button press chose: the pressed button's text,
// read from the keyboard of the message it was on; failing that (the
// message is too old for Telegram to include it), the data itself, or for
// a "#n" index the number n, which Ask a Question reads as its n-th
// option.
func answerOf(q *CallbackQuery) string {
	if q.Message != nil && q.Message.ReplyMarkup != nil {
		for _, row := range q.Message.ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				if b.CallbackData == q.Data && b.Text != "" {
					return b.Text
				}
			}
		}
	}
	if n, ok := strings.CutPrefix(q.Data, indexPrefix); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return n
		}
	}
	return q.Data
}
