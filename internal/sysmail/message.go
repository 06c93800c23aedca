package sysmail

import (
	"fmt"
	"strings"
	"text/template"
)

// message is one mail's subject and text in one language, as templates
// of the mail's fields (text/template: nothing is escaped, the mail is
// plain text).
type message struct {
	subject, text string
}

// messages is one mail in every language of the node; compose checks at
// start-up that each parses.
type messages map[Language]message

// parsedMessage is a message ready to run.
type parsedMessage struct {
	subject, text *template.Template
}

// parse reads every language's templates with that language's
// functions; a mail lacking a language of the node, or whose template
// does not parse, is a programming error caught by the package's tests
// and by the first start.
func (ms messages) parse(name string) map[Language]parsedMessage {
	out := map[Language]parsedMessage{}
	for _, lang := range Languages {
		m, ok := ms[lang]
		if !ok {
			panic(fmt.Sprintf("sysmail: the %s mail has no %s text", name, lang))
		}
		funcs := languageFuncs[lang]
		out[lang] = parsedMessage{
			subject: template.Must(template.New(name + " subject " + string(lang)).Funcs(funcs).Option("missingkey=error").Parse(m.subject)),
			text:    template.Must(template.New(name + " text " + string(lang)).Funcs(funcs).Option("missingkey=error").Parse(m.text)),
		}
	}
	return out
}

// compose runs lang's subject and text (English for a language the node
// lacks) over data.
func compose(ms map[Language]parsedMessage, lang Language, data any) (subject, text string, err error) {
	m, ok := ms[lang]
	if !ok {
		m = ms[English]
	}
	var s, t strings.Builder
	if err := m.subject.Execute(&s, data); err != nil {
		return "", "", fmt.Errorf("sysmail: %w", err)
	}
	if err := m.text.Execute(&t, data); err != nil {
		return "", "", fmt.Errorf("sysmail: %w", err)
	}
	return s.String(), t.String(), nil
}
