package graph

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// graphiqlFiles holds GraphiQL, React and our page; graphiql/README.md says where each
// vendored file comes from. Nothing is fetched from a CDN at run time.
//
//go:embed graphiql/*.js graphiql/*.css graphiql/index.html
var graphiqlFiles embed.FS

// assetsDir is the path segment under the GraphQL endpoint that serves GraphiQL's files.
const assetsDir = "/assets/"

// graphiql serves the GraphiQL page and its files.
type graphiql struct {
	page   *template.Template
	assets map[string]asset // by file name
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

func newGraphiQL() *graphiql {
	g := &graphiql{
		page:   template.Must(template.ParseFS(graphiqlFiles, "graphiql/index.html")),
		assets: map[string]asset{},
	}
	names, err := fs.Glob(graphiqlFiles, "graphiql/*.*s") // .js and .css
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	for _, name := range names {
		body, err := graphiqlFiles.ReadFile(name)
		if err != nil {
			panic(err) // embedded files are always readable
		}
		contentType := "text/css; charset=utf-8"
		if strings.HasSuffix(name, ".js") {
			contentType = "text/javascript; charset=utf-8"
		}
		sum := sha256.Sum256(body)
		g.assets[path.Base(name)] = asset{
			body:        body,
			contentType: contentType,
			etag:        `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		}
	}
	return g
}

// acceptsHTML reports whether the request comes from a browser navigating to the page.
func acceptsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(v, "text/html") {
			return true
		}
	}
	return false
}

// servePage writes the GraphiQL page. Its files are requested from <endpoint>/assets/ and its
// queries are sent to the endpoint the page was served from.
func (g *graphiql) servePage(w http.ResponseWriter, r *http.Request) {
	endpoint := r.URL.Path
	var buf bytes.Buffer
	err := g.page.Execute(&buf, struct{ Endpoint, Assets string }{
		Endpoint: endpoint,
		Assets:   strings.TrimSuffix(endpoint, "/") + assetsDir,
	})
	if err != nil {
		panic(err) // the template only prints two strings
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", GraphiQLCSP)
	w.Write(buf.Bytes())
}

// GraphiQLCSP is the Content-Security-Policy of the GraphiQL page: exactly what it embeds, all
// from this server (its scripts, styles, and the data: images and fonts its stylesheet holds),
// queries to this server, no form posts, nothing framing it. It replaces the policy of the
// pages, which has no font-src.
const GraphiQLCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'none'; frame-ancestors 'none'"

// serveAsset serves the GraphiQL file that the request's path names, and reports whether it
// did: a path that does not end in /assets/<file> is left to the GraphQL endpoint.
func (g *graphiql) serveAsset(w http.ResponseWriter, r *http.Request) bool {
	i := strings.LastIndex(r.URL.Path, assetsDir)
	if i < 0 {
		return false
	}
	a, ok := g.assets[r.URL.Path[i+len(assetsDir):]]
	if !ok {
		http.NotFound(w, r)
		return true
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return true
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	// Revalidate every time: the files change when GraphiQL is upgraded, and a 304 is cheap.
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	return true
}
