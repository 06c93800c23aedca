package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"time"
)

// writeSoakChart draws the soak's memory chart into the charts folder.
func writeSoakChart(res *result, t0 time.Time) error {
	if res.C.Charts == "" {
		return nil
	}
	if err := os.MkdirAll(res.C.Charts, 0o755); err != nil {
		return err
	}
	path := filepath.Join(res.C.Charts, "soak-memory.png")
	title := fmt.Sprintf("bench/e2e -soak %s, %d contacts at %.0f/s, %d agents, %s: server memory", res.C.Soak, res.Started, res.C.Rate, res.C.Agents, res.M.Date)
	if err := drawSoakMemory(path, title, res.Soak, t0); err != nil {
		return err
	}
	res.Charts = append(res.Charts, relTo(res.C.Out, path))
	return nil
}

// drawSoakMemory draws a soak over time with the e2e charts' canvas: the
// server's RSS, Go heap in use and the Go runtime's memory from the OS
// (MB, left axis), the first two with their least-squares
// lines over the steady state (shaded), and the conversations completed
// per second between samples as bars (right axis).
func drawSoakMemory(path, title string, f soakFigures, t0 time.Time) error {
	const w, h, left, right, top, bottom = 960, 460, 70, 70, 70, 56
	c := newCanvas(w, h)
	c.text(left, 22, title, ink)
	lightGreen := color.RGBA{187, 247, 208, 255}
	band := color.RGBA{243, 244, 246, 255}
	rssCol, heapCol, sysCol := shades[2], orange, color.RGBA{168, 85, 247, 255}
	lx := left
	for _, l := range []struct {
		name string
		col  color.RGBA
		h    int
	}{{"RSS", rssCol, 3}, {"Go heap in use", heapCol, 3}, {"Go runtime (from the OS)", sysCol, 3}, {"fit, steady state", ink, 1}} {
		c.rect(lx, 39, lx+14, 39+l.h, l.col)
		c.text(lx+18, 45, l.name, ink)
		lx += 18 + 7*len(l.name) + 22
	}
	c.rect(lx, 34, lx+14, 46, lightGreen)
	c.text(lx+18, 45, "conversations completed / s (right axis)", ink)
	s := f.Samples
	if len(s) < 2 {
		return c.save(path)
	}
	total := s[len(s)-1].at.Sub(t0).Seconds()
	total = max(total, 1)
	plotBottom, plotW := h-bottom, w-left-right
	x := func(sec float64) int { return left + int(sec/total*float64(plotW)) }
	at := func(m memSample) float64 { return m.at.Sub(t0).Seconds() }
	peakMB, peakRate := 1.0, 1.0
	for i, m := range s {
		peakMB = max(peakMB, m.rss/(1<<20), m.heap/(1<<20), m.goSys/(1<<20))
		peakRate = max(peakRate, f.Rate[i])
	}
	yMax, rMax := niceCeil(peakMB*1.1), niceCeil(peakRate)
	y := func(mb float64) int { return plotBottom - int(mb/yMax*float64(plotBottom-top)) }
	yr := func(v float64) int { return plotBottom - int(v/rMax*float64(plotBottom-top)) }
	// The steady state, shaded behind everything.
	c.rect(x(f.SteadyFrom.Seconds()), top, x(min(f.SteadyTo.Seconds(), total)), plotBottom, band)
	c.textCenter((x(f.SteadyFrom.Seconds())+x(min(f.SteadyTo.Seconds(), total)))/2, top+14, "steady state", axis)
	for i := 0; i <= 5; i++ {
		v := yMax * float64(i) / 5
		c.rect(left, y(v), w-right, y(v)+1, grid)
		c.textRight(left-6, y(v)+4, trimZero(fmt.Sprintf("%.1f", v)), ink)
		r := rMax * float64(i) / 5
		c.text(w-right+6, yr(r)+4, trimZero(fmt.Sprintf("%.1f", r)), green)
	}
	c.text(4, top-8, "MB", ink)
	c.textRight(w-4, top-8, "per second", green)
	for i := 1; i < len(s); i++ {
		x0, x1 := x(at(s[i-1])), x(at(s[i]))
		c.rect(x0+1, yr(f.Rate[i]), max(x0+2, x1-1), plotBottom, lightGreen)
	}
	for _, l := range []struct {
		v   func(memSample) float64
		t   trend // drawn when known
		col color.RGBA
	}{{func(m memSample) float64 { return m.goSys }, trend{}, sysCol}, {func(m memSample) float64 { return m.rss }, f.RSS, rssCol}, {func(m memSample) float64 { return m.heap }, f.Heap, heapCol}} {
		for i := 1; i < len(s); i++ {
			a, b := l.v(s[i-1]), l.v(s[i])
			if a >= 0 && b >= 0 {
				c.line(x(at(s[i-1])), y(a/(1<<20)), x(at(s[i])), y(b/(1<<20)), 2, l.col)
			}
		}
		if l.t.Known {
			// The fitted line through the steady state's mean, drawn thin.
			x0, x1 := f.SteadyFrom.Minutes(), min(f.SteadyTo.Seconds(), total)/60
			xm, mid := meanOver(s, t0, f.SteadyFrom, f.SteadyTo, l.v)
			mid /= 1 << 20
			if !math.IsNaN(mid) {
				c.line(x(x0*60), y(mid+l.t.Slope*(x0-xm)), x(x1*60), y(mid+l.t.Slope*(x1-xm)), 1, ink)
			}
		}
	}
	c.rect(left, plotBottom, w-right, plotBottom+1, axis)
	c.rect(left, top, left+1, plotBottom, axis)
	c.rect(w-right, top, w-right+1, plotBottom, axis)
	unit, div := "seconds", 1.0
	if total > 180 {
		unit, div = "minutes", 60
	}
	step := niceCeil(total / div / 8)
	for t := 0.0; t <= total/div+1e-9; t += step {
		gx := x(t * div)
		c.rect(gx, plotBottom, gx+1, plotBottom+5, axis)
		c.textCenter(gx, plotBottom+18, trimZero(fmt.Sprintf("%.1f", t)), ink)
	}
	c.textCenter(left+plotW/2, plotBottom+40, fmt.Sprintf("%s since the first contact wrote (a sample every %s)", unit, s[1].at.Sub(s[0].at).Round(100*time.Millisecond)), ink)
	return c.save(path)
}

// meanOver is the mean time (minutes after t0) and value of the known
// values sampled in [from, to] after t0, NaN without any. The
// least-squares line passes through that point, which places the fitted
// line on the chart.
func meanOver(s []memSample, t0 time.Time, from, to time.Duration, v func(memSample) float64) (minutes, value float64) {
	n := 0
	for _, m := range s {
		if d := m.at.Sub(t0); d >= from && d <= to && v(m) >= 0 {
			minutes += d.Minutes()
			value += v(m)
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	return minutes / float64(n), value / float64(n)
}
