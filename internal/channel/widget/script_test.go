package widget

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The served script holds its styles as a string and its survey card's
// code in place of their marks, and nothing of the marks.
func TestScriptIsAssembled(t *testing.T) {
	s := Script()
	for _, mark := range []string{stylesMark, surveyMark} {
		if bytes.Contains(s, []byte(mark)) {
			t.Errorf("the script still holds %s", mark)
		}
	}
	lit, _ := json.Marshal(styles)
	if !bytes.Contains(s, append([]byte("const css = "), lit...)) || !strings.Contains(styles, ".survey .faces") {
		t.Error("the script lacks its styles as a string")
	}
	if !bytes.Contains(s, []byte("async function drawSurvey(message, token)")) {
		t.Error("the script lacks the survey card")
	}
}

// A script without one of its marks is not served half-built.
func TestAssembleWantsEachMarkOnce(t *testing.T) {
	for name, src := range map[string]string{
		"no styles' mark":  "const css = \"\";\n" + surveyMark,
		"no survey's mark": "const css = " + stylesMark + ";",
		"a mark twice":     "const css = " + stylesMark + ";\n" + surveyMark + surveyMark,
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: assembled", name)
				}
			}()
			assemble([]byte(src), "a{}", []byte("x"))
		}()
	}
}
