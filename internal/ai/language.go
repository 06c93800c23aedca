package ai

import (
	"embed"
	"math"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// langdata holds a few paragraphs of everyday and support text per
// language, written for this detector; its trigram profiles are built
// from them once, at first use.
//
//go:embed langdata/*.txt
var langdata embed.FS

// Languages are the languages DetectLanguage knows (ISO 639-1).
var Languages = []string{"de", "en", "es", "fr", "it", "nl", "pt"}

type langProfile struct {
	lang   string
	logp   map[string]float64
	unseen float64
}

var (
	profilesOnce sync.Once
	profiles     []langProfile
)

func loadProfiles() {
	for _, lang := range Languages {
		raw, err := langdata.ReadFile(path.Join("langdata", lang+".txt"))
		if err != nil {
			panic("ai: langdata: " + err.Error()) // embedded: cannot happen
		}
		counts := map[string]float64{}
		total := 0.0
		for _, g := range trigrams(string(raw)) {
			counts[g]++
			total++
		}
		p := langProfile{lang: lang, logp: make(map[string]float64, len(counts))}
		// Lidstone smoothing over a notional vocabulary of 20,000 trigrams.
		const alpha, vocab = 0.5, 20000.0
		for g, n := range counts {
			p.logp[g] = math.Log((n + alpha) / (total + alpha*vocab))
		}
		p.unseen = math.Log(alpha / (total + alpha*vocab))
		profiles = append(profiles, p)
	}
}

// trigrams are the character trigrams of the lowercased words of s, each
// word padded with spaces. Accents are kept: they tell languages apart.
func trigrams(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	var out []string
	for _, w := range words {
		r := []rune(" " + w + " ")
		for i := 0; i+3 <= len(r); i++ {
			out = append(out, string(r[i:i+3]))
		}
	}
	return out
}

// minTrigrams is the least text DetectLanguage decides on.
const minTrigrams = 8

// DetectLanguage returns the language of text (one of Languages) and a
// confidence in [0,1]; "" when the text is too short or the best guess is
// not clearly ahead.
func DetectLanguage(text string) (string, float64) {
	profilesOnce.Do(loadProfiles)
	grams := trigrams(text)
	if len(grams) < minTrigrams {
		return "", 0
	}
	scores := make([]float64, len(profiles))
	for i, p := range profiles {
		for _, g := range grams {
			if l, ok := p.logp[g]; ok {
				scores[i] += l
			} else {
				scores[i] += p.unseen
			}
		}
		// Per trigram, so that the posterior below does not saturate.
		scores[i] /= float64(len(grams))
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	best := scores[order[0]]
	total := 0.0
	for _, s := range scores {
		total += math.Exp(8 * (s - best))
	}
	conf := 1 / total
	if conf < 0.4 {
		return "", conf
	}
	return profiles[order[0]].lang, conf
}
