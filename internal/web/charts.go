package web

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts drawn by HMS as inline SVG: no script, no style attribute (the CSP
// allows neither), colours from classes in static/app.css. The drawing has
// a viewBox and no fixed size, so it scales to the width of its box (390 px
// phones included); its <title> and <desc> say what it shows and give every
// number as text for screen readers.

// chartSeries is one series of values with its name and the class that
// colours it.
type chartSeries struct {
	Name   string
	Class  string
	Values []int64
}

// chartSpec is what a chart shows: a label per point, one or more series,
// how a value is written (for the axis and the text alternative).
type chartSpec struct {
	ID     string // unique on the page: prefixes the title and desc ids
	Title  string
	Labels []string
	Series []chartSeries
	Format func(int64) string
	Max    int64 // the top of the axis; 0: the largest value
}

const (
	chartW, chartH                  = 480, 220
	chartLeft, chartRight, chartTop = 78, 22, 12
	chartBottom                     = 30
)

// desc is the text alternative: per label, each series' value.
func (c chartSpec) desc() string {
	var b strings.Builder
	for i, l := range c.Labels {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(l + ":")
		for j, s := range c.Series {
			if j > 0 {
				b.WriteString(",")
			}
			if len(c.Series) > 1 {
				b.WriteString(" " + s.Name)
			}
			b.WriteString(" " + c.Format(s.Values[i]))
		}
	}
	return b.String()
}

func (c chartSpec) top() int64 {
	top := c.Max
	if top == 0 {
		for _, s := range c.Series {
			for _, v := range s.Values {
				top = max(top, v)
			}
		}
	}
	return max(top, 1)
}

// open starts the SVG with its title, description and the axis: lines at
// zero, half and the top, labelled.
func (c chartSpec) open(b *strings.Builder) (plotW, plotH float64, top int64) {
	esc := template.HTMLEscapeString
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%[3]s-title %[3]s-desc">`,
		chartW, chartH, c.ID)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, c.ID, esc(c.Title), c.ID, esc(c.desc()))
	plotW, plotH = chartW-chartLeft-chartRight, chartH-chartTop-chartBottom
	top = c.top()
	for _, f := range []int64{0, 1, 2} {
		y := chartTop + plotH - plotH*float64(f)/2
		fmt.Fprintf(b, `<line class="chart-grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, chartLeft, y, chartW-chartRight, y)
		fmt.Fprintf(b, `<text class="chart-axis" x="%d" y="%.1f" text-anchor="end">%s</text>`, chartLeft-6, y+4, esc(c.Format(top*f/2)))
	}
	return plotW, plotH, top
}

// label writes the label of point i under the plot, centred on x; with
// many points only every other one is written (every few of a month of
// days: about eight in all, the last always), so they stay readable.
func (c chartSpec) label(b *strings.Builder, i int, x float64) {
	if n := len(c.Labels); n > 6 && (n-1-i)%max(2, (n+7)/8) != 0 {
		return
	}
	fmt.Fprintf(b, `<text class="chart-axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x, chartH-10,
		template.HTMLEscapeString(c.Labels[i]))
}

// barChart draws the series as bars side by side per label; negative
// values are drawn as zero (the text alternative keeps them).
func barChart(c chartSpec) template.HTML {
	var b strings.Builder
	plotW, plotH, top := c.open(&b)
	n := max(len(c.Labels), 1)
	slot := plotW / float64(n)
	barW := slot * 0.8 / float64(max(len(c.Series), 1))
	for i := range c.Labels {
		x0 := chartLeft + slot*float64(i) + slot*0.1
		for j, s := range c.Series {
			v := max(s.Values[i], 0)
			h := plotH * float64(min(v, top)) / float64(top)
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect>`,
				s.Class, x0+barW*float64(j), chartTop+plotH-h, barW, h,
				template.HTMLEscapeString(c.Labels[i]+": "+s.Name+" "+c.Format(s.Values[i])))
		}
		c.label(&b, i, chartLeft+slot*float64(i)+slot/2)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// lineChart draws the first series as a line with a dot per label.
func lineChart(c chartSpec) template.HTML {
	var b strings.Builder
	plotW, plotH, top := c.open(&b)
	n := max(len(c.Labels), 1)
	slot := plotW / float64(n)
	var pts []string
	s := c.Series[0]
	for i := range c.Labels {
		x := chartLeft + slot*float64(i) + slot/2
		y := chartTop + plotH - plotH*float64(min(max(s.Values[i], 0), top))/float64(top)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		c.label(&b, i, x)
	}
	fmt.Fprintf(&b, `<polyline class="%s" points="%s"/>`, s.Class, strings.Join(pts, " "))
	for i, p := range pts {
		xy := strings.SplitN(p, ",", 2)
		fmt.Fprintf(&b, `<circle class="%s-dot" cx="%s" cy="%s" r="4"><title>%s</title></circle>`, s.Class, xy[0], xy[1],
			template.HTMLEscapeString(c.Labels[i]+": "+c.Format(s.Values[i])))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}
