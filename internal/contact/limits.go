package contact

import "github.com/switchboard-chat/switchboard/internal/limit"

// The longest values of a contact, in characters (docs/api.md, "Limits").
// Every write checks them (the API, workflow steps, imports); a channel's
// profile values over them are dropped instead, so a message is never lost
// to its sender's profile.
const (
	MaxNameLen      = limit.Name  // first_name, last_name
	MaxEmailLen     = limit.Email // email, and an email custom field
	MaxPhoneLen     = 50          // a phone number as typed, before its punctuation is stripped
	MaxLanguageLen  = 50          // a language tag, e.g. pt-BR
	MaxCountryLen   = 100         // a country code or name
	MaxAvatarURLLen = limit.URL   // avatar_url, and a url custom field
	MaxTagLen       = limit.Label // a tag's name
	MaxTagColorLen  = 50          // a tag's color, e.g. #1e90ff
	MaxTagsPerWrite = 100         // tags added by one create or update
	MaxFieldNameLen = limit.Name  // a custom field's name
	MaxOptions      = 100         // options of a list field
	MaxOptionLen    = limit.Name  // one option of a list field
	MaxTextValueLen = 5000        // a text custom field's value
	MaxStageLen     = limit.Name  // a lifecycle stage's name
)
