package report

import (
	"fmt"
	"io"
	"strings"
)

// textTable is a plain-text table, columns two spaces apart. Its first
// column (names) is left-aligned unless numeric is set; the others
// (numbers) are right-aligned.
type textTable struct {
	rows    [][]string
	numeric bool
	// textLast left-aligns the last column (a verdict in words) and
	// leaves it unpadded.
	textLast bool
}

// add appends a row.
func (t *textTable) add(cells ...string) {
	t.rows = append(t.rows, cells)
}

// write writes the table, each line indented by indent.
func (t *textTable) write(w io.Writer, indent string) {
	var widths []int
	for _, row := range t.rows {
		for k, c := range row {
			if k >= len(widths) {
				widths = append(widths, 0)
			}
			widths[k] = max(widths[k], len([]rune(c)))
		}
	}
	for _, row := range t.rows {
		var b strings.Builder
		b.WriteString(indent)
		for k, c := range row {
			pad := strings.Repeat(" ", widths[k]-len([]rune(c)))
			switch {
			case k == 0 && !t.numeric:
				b.WriteString(c)
				if len(row) > 1 {
					b.WriteString(pad)
				}
			case k > 0 && k == len(row)-1 && t.textLast:
				b.WriteString("  ")
				b.WriteString(c)
			default:
				if k > 0 {
					b.WriteString("  ")
				}
				b.WriteString(pad)
				b.WriteString(c)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// stickyWriter remembers the first write error so that a report can be
// written with plain Fprintf calls and checked once.
type stickyWriter struct {
	w   io.Writer
	err error
}

// Write implements io.Writer; after an error it writes nothing.
func (e *stickyWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
