package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The charts are drawn with the standard library's image packages and
// x/image's 7×13 bitmap font: two simple charts do not earn a plotting
// library, and a fixed bitmap font draws the same on every machine.

var (
	white  = color.RGBA{255, 255, 255, 255}
	ink    = color.RGBA{30, 30, 30, 255}
	grid   = color.RGBA{225, 225, 225, 255}
	axis   = color.RGBA{120, 120, 120, 255}
	shades = [3]color.RGBA{{147, 197, 253, 255}, {59, 130, 246, 255}, {30, 64, 175, 255}} // p50, p90, p99
	orange = color.RGBA{234, 88, 12, 255}
	green  = color.RGBA{22, 163, 74, 255}
)

// canvas is an image with the few drawing operations the charts need.
type canvas struct{ img *image.RGBA }

func newCanvas(w, h int) canvas {
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h))}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	return c
}

func (c canvas) rect(x0, y0, x1, y1 int, col color.Color) {
	draw.Draw(c.img, image.Rect(x0, y0, x1, y1), image.NewUniform(col), image.Point{}, draw.Src)
}

// line draws a straight line (Bresenham), w pixels thick.
func (c canvas) line(x0, y0, x1, y1, w int, col color.Color) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		c.rect(x0-w/2, y0-w/2, x0-w/2+w, y0-w/2+w, col)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

// text writes s with its baseline at y, starting at x.
func (c canvas) text(x, y int, s string, col color.Color) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// textRight writes s ending at x.
func (c canvas) textRight(x, y int, s string, col color.Color) { c.text(x-7*len([]rune(s)), y, s, col) }

// textCenter writes s centred on x.
func (c canvas) textCenter(x, y int, s string, col color.Color) {
	c.text(x-7*len([]rune(s))/2, y, s, col)
}

func (c canvas) save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, c.img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func abs(v int) int { return max(v, -v) }

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// drawStages draws each stage's p50, p90 and p99 as horizontal bars and
// its maximum as a tick, on a logarithmic time axis: the stages differ by
// orders of magnitude (a webhook's commit against a wait in a queue).
func drawStages(path, title string, st [stageCount]percentiles) error {
	const w, h, left, right, top, bottom = 960, 440, 150, 120, 64, 56
	c := newCanvas(w, h)
	c.text(left, 22, title, ink)
	// Legend.
	lx := left
	for i, name := range []string{"p50", "p90", "p99"} {
		c.rect(lx, 34, lx+14, 46, shades[i])
		c.text(lx+18, 45, name, ink)
		lx += 70
	}
	c.rect(lx, 34, lx+3, 46, orange)
	c.text(lx+8, 45, "max", ink)
	// Axis range: whole decades around the data, at least 1 ms to 1 s.
	lo, hi := time.Millisecond, time.Second
	for _, p := range st {
		if p.N == 0 {
			continue
		}
		for lo > 100*time.Microsecond && p.P50 > 0 && p.P50 < lo {
			lo /= 10
		}
		for hi < p.Max {
			hi *= 10
		}
	}
	x := func(d time.Duration) int {
		if d < lo {
			d = lo
		}
		f := math.Log10(float64(d)/float64(lo)) / math.Log10(float64(hi)/float64(lo))
		return left + int(f*float64(w-left-right))
	}
	plotBottom := h - bottom
	for d := lo; d <= hi; d *= 10 {
		gx := x(d)
		c.rect(gx, top, gx+1, plotBottom, grid)
		c.rect(gx, plotBottom, gx+1, plotBottom+5, axis)
		c.textCenter(gx, plotBottom+18, durationLabel(d), ink)
	}
	c.rect(left, plotBottom, w-right, plotBottom+1, axis)
	c.rect(left, top, left+1, plotBottom, axis)
	c.textCenter((left+w-right)/2, plotBottom+40, "latency, logarithmic scale (ms = milliseconds, s = seconds)", ink)
	rowH := (plotBottom - top) / stageCount
	for i, p := range st {
		y0 := top + i*rowH + 8
		c.textRight(left-8, y0+rowH/2-2, stageNames[i], ink)
		if p.N == 0 {
			c.text(left+6, y0+rowH/2-2, "not reached", axis)
			continue
		}
		barH := (rowH - 16) / 3
		for j, v := range []time.Duration{p.P50, p.P90, p.P99} {
			by := y0 + j*barH
			c.rect(left+1, by, max(left+2, x(v)), by+barH-2, shades[j])
		}
		mx := x(p.Max)
		c.rect(mx-1, y0-2, mx+2, y0+3*barH, orange)
		c.text(mx+6, y0+barH+4, "p99 "+durationLabel(p.P99), ink)
		c.text(mx+6, y0+2*barH+4, "max "+durationLabel(p.Max), orange)
	}
	return c.save(path)
}

// durationLabel is a short, readable duration: 450 µs, 12 ms, 3.4 s.
func durationLabel(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Millisecond:
		return trimZero(fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))) + " ms"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < 10*time.Second:
		return trimZero(fmt.Sprintf("%.1f", d.Seconds())) + " s"
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}

func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}

// series is the run over time, in buckets of equal length.
type series struct {
	Bucket    time.Duration
	Started   []int // contacts who wrote their first message
	Completed []int // conversations closed by their agent
	Online    []int // agents online at the bucket's end
	// The workflow stage by the bucket its first message was sent in, and
	// the reply stage by the bucket the reply was sent in (0: none).
	WorkflowP50, WorkflowMax []time.Duration
	ReplyP50, ReplyMax       []time.Duration
	// Cores used on average in the bucket (-1: unknown).
	ServerCores, SelfCores, OtherCores []float64
}

// drawThroughput draws completions and new contacts per second as bars
// and a line on the left axis, and the agents online as a step line on
// the right axis.
func drawThroughput(path, title string, s series) error {
	const w, h, left, right, top, bottom = 960, 420, 70, 70, 64, 56
	c := newCanvas(w, h)
	c.text(left, 22, title, ink)
	c.rect(left, 34, left+14, 46, shades[1])
	c.text(left+18, 45, "conversations completed / s", ink)
	c.rect(left+240, 39, left+254, 41, orange)
	c.text(left+258, 45, "contacts arriving / s", ink)
	c.rect(left+430, 39, left+444, 41, green)
	c.text(left+448, 45, "agents online (right axis)", ink)
	n := len(s.Completed)
	if n == 0 {
		return c.save(path)
	}
	per := s.Bucket.Seconds()
	peak, agents := 1.0, 1
	for i := range n {
		peak = max(peak, float64(s.Completed[i])/per, float64(s.Started[i])/per)
		agents = max(agents, s.Online[i])
	}
	yMax := niceCeil(peak)
	aMax := max(5, int(niceCeil(float64(agents))))
	plotBottom, plotW := h-bottom, w-left-right
	y := func(v float64) int { return plotBottom - int(v/yMax*float64(plotBottom-top)) }
	ya := func(v int) int { return plotBottom - int(float64(v)/float64(aMax)*float64(plotBottom-top)) }
	for i := 0; i <= 5; i++ {
		v := yMax * float64(i) / 5
		gy := y(v)
		c.rect(left, gy, w-right, gy+1, grid)
		c.textRight(left-6, gy+4, trimZero(fmt.Sprintf("%.1f", v)), ink)
		c.text(w-right+6, ya(aMax*i/5)+4, fmt.Sprint(aMax*i/5), green)
	}
	c.text(4, top-8, "per second", ink)
	c.textRight(w-4, top-8, "agents", green)
	bw := float64(plotW) / float64(n)
	for i := range n {
		x0 := left + int(float64(i)*bw)
		x1 := left + int(float64(i+1)*bw)
		c.rect(x0+1, y(float64(s.Completed[i])/per), max(x0+2, x1-1), plotBottom, shades[1])
	}
	for i := 1; i < n; i++ {
		xa := left + int((float64(i)-0.5)*bw)
		xb := left + int((float64(i)+0.5)*bw)
		c.line(xa, y(float64(s.Started[i-1])/per), xb, y(float64(s.Started[i])/per), 2, orange)
	}
	for i := range n {
		x0 := left + int(float64(i)*bw)
		x1 := left + int(float64(i+1)*bw)
		c.line(x0, ya(s.Online[i]), x1, ya(s.Online[i]), 2, green)
		if i > 0 && s.Online[i] != s.Online[i-1] {
			c.line(x0, ya(s.Online[i-1]), x0, ya(s.Online[i]), 2, green)
		}
	}
	c.rect(left, plotBottom, w-right, plotBottom+1, axis)
	c.rect(left, top, left+1, plotBottom, axis)
	c.rect(w-right, top, w-right+1, plotBottom, axis)
	total := time.Duration(n) * s.Bucket
	step := niceCeil(total.Seconds() / 8)
	for t := 0.0; t <= total.Seconds()+1e-9; t += step {
		gx := left + int(t/total.Seconds()*float64(plotW))
		c.rect(gx, plotBottom, gx+1, plotBottom+5, axis)
		c.textCenter(gx, plotBottom+18, trimZero(fmt.Sprintf("%.1f", t)), ink)
	}
	c.textCenter(left+plotW/2, plotBottom+40, fmt.Sprintf("seconds since the first contact wrote (bars: %s buckets)", s.Bucket), ink)
	return c.save(path)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// drawOverTime draws two panels sharing the time axis: above, the median
// and the worst of the workflow and reply stages in each bucket (log
// scale); below, the cores the server, the benchmark and every other
// process on the machine used. A latency spike with the server's share
// falling and the others' rising is a neighbour's burst, not the server.
func drawOverTime(path, title string, s series, cpus int) error {
	const w, h, left, right = 960, 600, 70, 40
	const top1, bottom1, top2, bottom2 = 84, 330, 390, 540
	c := newCanvas(w, h)
	c.text(left, 22, title, ink)
	n := len(s.Started)
	if n == 0 {
		return c.save(path)
	}
	plotW := w - left - right
	bw := float64(plotW) / float64(n)
	xAt := func(i int) int { return left + int((float64(i)+0.5)*bw) }
	// Latency panel.
	type line struct {
		name string
		v    []time.Duration
		col  color.RGBA
		w    int
	}
	lines := []line{
		{"workflow p50", s.WorkflowP50, shades[1], 2}, {"workflow max", s.WorkflowMax, shades[2], 1},
		{"reply delivered p50", s.ReplyP50, orange, 2}, {"reply delivered max", s.ReplyMax, color.RGBA{154, 52, 18, 255}, 1},
	}
	lx := left
	for _, l := range lines {
		c.rect(lx, 39, lx+14, 39+l.w, l.col)
		c.text(lx+18, 45, l.name, ink)
		lx += 18 + 7*len(l.name) + 22
	}
	lo, hi := time.Millisecond, 100*time.Millisecond
	for _, l := range lines {
		for _, v := range l.v {
			for hi < v {
				hi *= 10
			}
		}
	}
	y := func(d time.Duration) int {
		d = max(d, lo)
		f := math.Log10(float64(d)/float64(lo)) / math.Log10(float64(hi)/float64(lo))
		return bottom1 - int(f*float64(bottom1-top1))
	}
	for d := lo; d <= hi; d *= 10 {
		gy := y(d)
		c.rect(left, gy, w-right, gy+1, grid)
		c.textRight(left-6, gy+4, durationLabel(d), ink)
	}
	c.text(4, top1-12, "latency per bucket, log scale", ink)
	for _, l := range lines {
		prev := -1
		for i, v := range l.v {
			if v <= 0 {
				prev = -1
				continue
			}
			if prev >= 0 {
				c.line(xAt(prev), y(l.v[prev]), xAt(i), y(v), l.w, l.col)
			}
			prev = i
		}
	}
	c.rect(left, bottom1, w-right, bottom1+1, axis)
	c.rect(left, top1, left+1, bottom1, axis)
	// CPU panel.
	cores := []struct {
		name string
		v    []float64
		col  color.RGBA
	}{{"server", s.ServerCores, shades[1]}, {"benchmark (contacts, agents)", s.SelfCores, axis}, {"other processes", s.OtherCores, color.RGBA{220, 38, 38, 255}}}
	lx = left
	for _, k := range cores {
		c.rect(lx, top2-22, lx+14, top2-20, k.col)
		c.text(lx+18, top2-16, k.name, ink)
		lx += 18 + 7*len(k.name) + 22
	}
	c.textRight(w-right, top2-16, "cores used", ink)
	peak := float64(cpus)
	for _, k := range cores {
		for _, v := range k.v {
			peak = max(peak, v)
		}
	}
	yMax := math.Ceil(peak)
	yc := func(v float64) int { return bottom2 - int(v/yMax*float64(bottom2-top2)) }
	for v := 0.0; v <= yMax; v++ {
		gy := yc(v)
		c.rect(left, gy, w-right, gy+1, grid)
		c.textRight(left-6, gy+4, fmt.Sprint(v), ink)
	}
	c.rect(left, yc(float64(cpus)), w-right, yc(float64(cpus))+1, axis)
	for _, k := range cores {
		for i := 1; i < len(k.v); i++ {
			if k.v[i-1] >= 0 && k.v[i] >= 0 {
				c.line(xAt(i-1), yc(k.v[i-1]), xAt(i), yc(k.v[i]), 2, k.col)
			}
		}
	}
	c.rect(left, bottom2, w-right, bottom2+1, axis)
	c.rect(left, top2, left+1, bottom2, axis)
	total := time.Duration(n) * s.Bucket
	step := niceCeil(total.Seconds() / 8)
	for t := 0.0; t <= total.Seconds()+1e-9; t += step {
		gx := left + int(t/total.Seconds()*float64(plotW))
		c.rect(gx, bottom2, gx+1, bottom2+5, axis)
		c.textCenter(gx, bottom2+18, trimZero(fmt.Sprintf("%.1f", t)), ink)
	}
	c.textCenter(left+plotW/2, bottom2+40, fmt.Sprintf("seconds since the first contact wrote (%s buckets; workflow by when the contact wrote, reply by when it was sent)", s.Bucket), ink)
	return c.save(path)
}
