package labels

import (
	"bufio"
	"fmt"
	"io"
)

// WriteQRSVG writes content as a QR code in SVG, with the 4-module quiet zone, one path of
// merged runs of dark modules, scaled by the page (width and height 100%). Pages use it for
// codes that are not asset labels, such as bench mode cards.
func WriteQRSVG(w io.Writer, content string, level Level) error {
	sym, err := encode(content, level)
	if err != nil {
		return err
	}
	const quiet = 4
	n := sym.size + 2*quiet
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for _, c := range sym.rects {
		fmt.Fprintf(bw, "M%d %dh%dv%dh-%dz", int(c.X)+quiet, int(c.Y)+quiet, c.W, c.H, c.W)
	}
	bw.WriteString(`"/></svg>`)
	return bw.Flush()
}
