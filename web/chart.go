package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts drawn on the server as SVG (the impact dashboard): no script, no external library,
// nothing but markup the page's Content-Security-Policy allows. Colours come from classes in
// style.css (no style attribute: CSP). A chart is an image with a name (role="img",
// aria-labelledby its title) and a short description; the page puts its data table right
// after it, which is how screen readers and keyboards get the figures.

// series is one set of values of a chart, one per category.
type series struct {
	Name   string
	Class  string // c1, c2, c3: the colour
	Values []float64
}

// chartSpec is what a chart shows.
type chartSpec struct {
	ID         string // unique on the page; ids of the title and description derive from it
	Title      string
	Desc       string
	Categories []string // x axis (bars, lines) or rows (horizontal bars)
	Series     []series
	// Num formats a value for the axis and the labels.
	Num func(float64) string
}

// chart geometry, in the viewBox's units.
const (
	chartW      = 640.0
	chartH      = 260.0
	chartLeft   = 56.0
	chartRight  = 10.0
	chartTop    = 12.0
	chartBottom = 48.0 // x labels and the legend
)

func (c *chartSpec) open(b *strings.Builder, h float64) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d" focusable="false">`,
		chartW, h, c.ID, c.ID)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, c.ID, html.EscapeString(c.Title), c.ID, html.EscapeString(c.Desc))
}

// peak is the largest value of every series.
func (c *chartSpec) peak() float64 {
	p := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			p = math.Max(p, v)
		}
	}
	return p
}

// axisStep is a round step for four gridlines reaching at least peak.
func axisStep(peak float64) float64 {
	if peak <= 0 {
		return 1
	}
	raw := peak / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*mag >= raw {
			return f * mag
		}
	}
	return 10 * mag
}

// grid draws the value axis's gridlines and labels for a plot from top to base, and returns the
// scale's top value.
func (c *chartSpec) grid(b *strings.Builder, top, base float64) float64 {
	step := axisStep(c.peak())
	for i := 0; i <= 4; i++ {
		y := base - (base-top)*float64(i)/4
		fmt.Fprintf(b, `<line class="grid" x1="%g" y1="%.1f" x2="%g" y2="%.1f"/>`, chartLeft, y, chartW-chartRight, y)
		fmt.Fprintf(b, `<text class="axis" x="%g" y="%.1f" text-anchor="end">%s</text>`, chartLeft-6, y+4, html.EscapeString(c.Num(step*float64(i))))
	}
	return step * 4
}

// legend draws the series' names at y.
func (c *chartSpec) legend(b *strings.Builder, y float64) {
	x := chartLeft
	for _, s := range c.Series {
		fmt.Fprintf(b, `<rect class="%s" x="%g" y="%g" width="10" height="10"/>`, s.Class, x, y-9)
		fmt.Fprintf(b, `<text class="label" x="%g" y="%g">%s</text>`, x+14, y, html.EscapeString(s.Name))
		x += 14 + 7*float64(len([]rune(s.Name))) + 18
	}
}

// xLabels draws category labels under a plot, skipping some when they are many.
func (c *chartSpec) xLabels(b *strings.Builder, base, slot float64) {
	every := 1
	if n := len(c.Categories); n > 12 {
		every = (n + 11) / 12
	}
	for i, cat := range c.Categories {
		if i%every != 0 {
			continue
		}
		fmt.Fprintf(b, `<text class="axis" x="%.1f" y="%g" text-anchor="middle">%s</text>`, chartLeft+slot*(float64(i)+0.5), base+16, html.EscapeString(cat))
	}
}

// Bars draws grouped vertical bars, a group a category.
func (c *chartSpec) Bars() template.HTML {
	var b strings.Builder
	c.open(&b, chartH)
	base := chartH - chartBottom
	scale := c.grid(&b, chartTop, base)
	n := max(len(c.Categories), 1)
	slot := (chartW - chartLeft - chartRight) / float64(n)
	barW := math.Min(slot*0.8/float64(max(len(c.Series), 1)), 28)
	for i := range c.Categories {
		x0 := chartLeft + slot*float64(i) + (slot-barW*float64(len(c.Series)))/2
		for j, s := range c.Series {
			h := 0.0
			if scale > 0 && i < len(s.Values) {
				h = (base - chartTop) * s.Values[i] / scale
			}
			if h <= 0 {
				continue
			}
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, s.Class, x0+float64(j)*barW, base-h, barW, h)
		}
	}
	fmt.Fprintf(&b, `<line class="axisline" x1="%g" y1="%g" x2="%g" y2="%g"/>`, chartLeft, base, chartW-chartRight, base)
	c.xLabels(&b, base, slot)
	c.legend(&b, chartH-8)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Lines draws one line a series over the categories.
func (c *chartSpec) Lines() template.HTML {
	var b strings.Builder
	c.open(&b, chartH)
	base := chartH - chartBottom
	scale := c.grid(&b, chartTop, base)
	n := max(len(c.Categories), 1)
	slot := (chartW - chartLeft - chartRight) / float64(n)
	for _, s := range c.Series {
		var pts []string
		for i, v := range s.Values {
			y := base
			if scale > 0 {
				y = base - (base-chartTop)*v/scale
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", chartLeft+slot*(float64(i)+0.5), y))
		}
		fmt.Fprintf(&b, `<polyline class="line %s" points="%s"/>`, s.Class, strings.Join(pts, " "))
		for _, p := range pts {
			x, y, _ := strings.Cut(p, ",")
			fmt.Fprintf(&b, `<circle class="%s" cx="%s" cy="%s" r="3"/>`, s.Class, x, y)
		}
	}
	fmt.Fprintf(&b, `<line class="axisline" x1="%g" y1="%g" x2="%g" y2="%g"/>`, chartLeft, base, chartW-chartRight, base)
	c.xLabels(&b, base, slot)
	c.legend(&b, chartH-8)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// HBars draws one horizontal bar a category and series, labelled with its value.
func (c *chartSpec) HBars() template.HTML {
	const rowH, labelW = 22.0, 170.0
	rows := max(len(c.Categories), 1) * max(len(c.Series), 1)
	h := float64(rows)*rowH + 40
	var b strings.Builder
	c.open(&b, h)
	peak := c.peak()
	plot := chartW - labelW - 70
	y := 8.0
	for i, cat := range c.Categories {
		fmt.Fprintf(&b, `<text class="label" x="%g" y="%.1f" text-anchor="end">%s</text>`, labelW-8, y+14, html.EscapeString(cat))
		for _, s := range c.Series {
			v := 0.0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			w := 0.0
			if peak > 0 {
				w = plot * v / peak
			}
			if w > 0 {
				fmt.Fprintf(&b, `<rect class="%s" x="%g" y="%.1f" width="%.1f" height="%g"/>`, s.Class, labelW, y+3, w, rowH-6)
			}
			fmt.Fprintf(&b, `<text class="label" x="%.1f" y="%.1f">%s</text>`, labelW+w+5, y+15, html.EscapeString(c.Num(v)))
			y += rowH
		}
	}
	if len(c.Series) > 1 {
		c.legend(&b, h-8)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
