package ai

import (
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"math"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Classifier is a multinomial naive Bayes classifier over word unigrams,
// word bigrams and character 3- and 4-grams of the words, with case and
// diacritics folded, trained from a few example phrases per label. It is
// deterministic: the same examples give the same answers.
type Classifier struct {
	labels []string
	prior  []float64            // log P(label)
	like   []map[string]float64 // log P(feature | label) of the features seen
	unseen []float64            // log P(a feature not seen with label)
	vocab  map[string]bool
}

// Prediction is the classifier's answer for a text.
type Prediction struct {
	Label string
	// Confidence is in [0,1]: 0 when nothing tells the labels apart.
	Confidence float64
	// Scores holds every label's probability, best first.
	Scores []LabelScore
}

// LabelScore is one label's probability.
type LabelScore struct {
	Label       string  `json:"intent"`
	Probability float64 `json:"confidence"`
}

// smoothing is the additive (Lidstone) smoothing of the counts; sharpness
// scales the per-feature mean log-likelihood into a posterior (naive
// Bayes's raw posteriors are near 0 or 1 for any text of a few words,
// which would make a confidence threshold meaningless).
const (
	smoothing = 0.1
	sharpness = 6.0
)

// Train builds a classifier from examples per label. Labels with no
// example are left out.
func Train(examples map[string][]string) *Classifier {
	labels := make([]string, 0, len(examples))
	for l, ex := range examples {
		if len(ex) > 0 {
			labels = append(labels, l)
		}
	}
	sort.Strings(labels)
	c := &Classifier{labels: labels, vocab: map[string]bool{}}
	counts := make([]map[string]float64, len(labels))
	totals := make([]float64, len(labels))
	docs := 0
	for i, l := range labels {
		counts[i] = map[string]float64{}
		for _, ex := range examples[l] {
			for _, f := range Features(ex) {
				counts[i][f]++
				totals[i]++
				c.vocab[f] = true
			}
		}
		docs += len(examples[l])
	}
	v := float64(len(c.vocab))
	for i, l := range labels {
		c.prior = append(c.prior, math.Log(float64(len(examples[l]))/float64(docs)))
		denom := totals[i] + smoothing*v
		like := make(map[string]float64, len(counts[i]))
		for f, n := range counts[i] {
			like[f] = math.Log((n + smoothing) / denom)
		}
		c.like = append(c.like, like)
		c.unseen = append(c.unseen, math.Log(smoothing/denom))
	}
	return c
}

// Labels returns the labels the classifier knows, sorted.
func (c *Classifier) Labels() []string { return c.labels }

// Predict scores text against every label. A text with no feature the
// examples had gets an even spread (and so a low confidence).
func (c *Classifier) Predict(text string) Prediction {
	if len(c.labels) == 0 {
		return Prediction{}
	}
	// Only features the examples had take part, but the mean is over
	// all of the text's features: a text mostly of unknown words gets a
	// flat posterior, hence a low confidence.
	all := Features(text)
	var feats []string
	for _, f := range all {
		if c.vocab[f] {
			feats = append(feats, f)
		}
	}
	logp := make([]float64, len(c.labels))
	for i := range c.labels {
		if len(feats) == 0 {
			continue
		}
		sum := 0.0
		for _, f := range feats {
			if l, ok := c.like[i][f]; ok {
				sum += l
			} else {
				sum += c.unseen[i]
			}
		}
		logp[i] = sharpness*sum/float64(len(all)) + c.prior[i]/float64(len(all)+1)
	}
	best := logp[0]
	for _, l := range logp {
		best = max(best, l)
	}
	total := 0.0
	probs := make([]float64, len(logp))
	for i, l := range logp {
		probs[i] = math.Exp(l - best)
		total += probs[i]
	}
	p := Prediction{Scores: make([]LabelScore, len(c.labels))}
	for i, l := range c.labels {
		p.Scores[i] = LabelScore{Label: l, Probability: probs[i] / total}
	}
	sort.SliceStable(p.Scores, func(i, j int) bool { return p.Scores[i].Probability > p.Scores[j].Probability })
	// The confidence is the best probability's margin over chance,
	// scaled to [0,1], so a threshold means the same with 2 intents or
	// 20; with one intent, the share of the text's features it knows.
	p.Label = p.Scores[0].Label
	if k := float64(len(c.labels)); k > 1 {
		p.Confidence = (p.Scores[0].Probability - 1/k) / (1 - 1/k)
	} else if len(all) > 0 {
		p.Confidence = float64(len(feats)) / float64(len(all))
	}
	return p
}

// Fold lowercases s and removes its diacritics ("Éte" → "ete").
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// Words splits folded text into words of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// Features are the classifier's features of a text: "w:" words, "b:"
// pairs of adjacent words, "c:" character 3- and 4-grams of each word
// padded with "_" (which make a typo cost only a few features), and the
// characters of Chinese and Japanese and their pairs ("u:", "p:").
func Features(s string) []string {
	words := Words(s)
	var out []string
	for i, w := range words {
		out = append(out, "w:"+w)
		if i > 0 {
			out = append(out, "b:"+words[i-1]+"_"+w)
		}
		r := []rune("_" + w + "_")
		for n := 3; n <= 4; n++ {
			for j := 0; j+n <= len(r); j++ {
				out = append(out, "c:"+string(r[j:j+n]))
			}
		}
		out = appendPairs(out, r)
	}
	return out
}

// appendPairs adds the Chinese and Japanese characters of r, each alone
// ("u:") and with the next ("p:"): those scripts are written without
// spaces, so a sentence is one word, and two sentences share characters
// and pairs (退款 in 我想退款 and 我要退款; 包裹 and 哪 in 我的包裹在哪里
// and 包裹到哪了) far more often than 3- and 4-grams, which alone left
// such phrases below the Classify step's threshold.
func appendPairs(out []string, r []rune) []string {
	for j := 0; j < len(r); j++ {
		if !knowledge.IsCJK(r[j]) {
			continue
		}
		out = append(out, "u:"+string(r[j]))
		if j+1 < len(r) && knowledge.IsCJK(r[j+1]) {
			out = append(out, "p:"+string(r[j:j+2]))
		}
	}
	return out
}
