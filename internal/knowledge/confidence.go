package knowledge

// Mode is what retrieval mode (the AI agent with no model) does with a
// search's hits.
type Mode string

// The modes: answer with the top passage, ask a clarifying question
// between the top two, or hand over to a human.
const (
	ModeAnswer   Mode = "answer"
	ModeClarify  Mode = "clarify"
	ModeHandover Mode = "handover"
)

// Thresholds of Assess, set by hand and checked on the development half of
// the evaluation set (internal/ai/testdata), never on the held-out half:
// with BM25 it answers 75 of those 100 questions, 71 with the right
// article, and asks to clarify 20 (docs/benchmarks.md has the held-out
// half's figures).
const (
	// MinMatch is the share of the question's terms the top passage must
	// hold to be an answer.
	MinMatch = 0.5
	// MinMargin is how far ahead (relative score) the top article must be
	// of the second for the answer not to be a toss-up.
	MinMargin = 0.15
)

// Confidence says how sure a retrieval is.
type Confidence struct {
	// Score is the top hit's Match (0–1): the share of the question's
	// terms it holds.
	Score float64 `json:"score"`
	// Margin is (top − second) / top of the ranking scores of the top two
	// hits (1 when there is only one).
	Margin float64 `json:"margin"`
	Mode   Mode    `json:"mode"`
}

// Assess returns the confidence of hits (as Search returns them, one per
// article): answer when the top passage is strong and ahead, clarify when
// the top two compete, hand over otherwise.
func Assess(hits []Hit) Confidence {
	if len(hits) == 0 {
		return Confidence{Mode: ModeHandover}
	}
	c := Confidence{Score: hits[0].Match, Margin: 1}
	if len(hits) > 1 && hits[0].Score > 0 {
		c.Margin = (hits[0].Score - hits[1].Score) / hits[0].Score
	}
	switch {
	case c.Score < MinMatch:
		c.Mode = ModeHandover
	case c.Margin < MinMargin && hits[1].Match >= MinMatch:
		c.Mode = ModeClarify
	default:
		c.Mode = ModeAnswer
	}
	return c
}
