package knowledge

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"math"
)

// Embedder turns texts into vectors: an OpenAI-compatible /v1/embeddings
// endpoint in production (the AI provider settings build one per
// workspace), HashEmbedder in tests. Vectors of one model have one length.
type Embedder interface {
	// Model names the model; passages embedded by another model are not
	// compared with this one's queries.
	Model() string
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// HashEmbedder is a deterministic bag-of-words embedder: each index term
// (see Terms) is hashed into one of Dims buckets, the vector normalised.
// It needs no model, so tests of the hybrid ranking run offline; its
// cosine is a smoothed term overlap.
type HashEmbedder struct{ Dims int }

var _ Embedder = HashEmbedder{}

// Model names the embedder with its size.
func (h HashEmbedder) Model() string { return "hash-bow" }

// Embed returns one vector per text.
func (h HashEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	dims := h.Dims
	if dims <= 0 {
		dims = 256
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, dims)
		for _, term := range Terms(t) {
			f := fnv.New32a()
			f.Write([]byte(term))
			sum := f.Sum32()
			sign := float32(1)
			if sum&1 == 1 {
				sign = -1
			}
			v[int(sum>>1)%dims] += sign
		}
		normalize(v)
		out[i] = v
	}
	return out, nil
}

func normalize(v []float32) {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return
	}
	n = math.Sqrt(n)
	for i := range v {
		v[i] = float32(float64(v[i]) / n)
	}
}

// cosine of two vectors (0 when their lengths differ or one is zero).
func cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func encodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func decodeVector(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
