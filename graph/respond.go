package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/graphql-go/graphql/gqlerrors"

	"github.com/digital-inclusion/refurb/internal/database"
)

// Writing responses: the executed request's data and errors, and the buffers they are written
// from.

// respond writes an executed request's data and errors.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, scope *requestScope, data any, errs []gqlerrors.FormattedError) {
	if scope.budget.spent() {
		// What was built is partial and whatever errors it collected follow from the cut.
		h.writeJSON(w, r, http.StatusOK, struct {
			Errors []gqlError `json:"errors"`
			Data   any        `json:"data"`
		}{[]gqlError{{
			Message:    responseTooLargeMessage(h.cfg.MaxResponseBytes),
			Extensions: map[string]any{"code": CodeBadUserInput, "maxResponseBytes": h.cfg.MaxResponseBytes},
		}}, nil})
		return
	}
	presented := h.presenter.executionErrors(r.Context(), errs)
	status := http.StatusOK
	if unavailableIn(presented) {
		// The database went away under the request: 503 tells proxies, load balancers and
		// clients to try again later, as the error's code does.
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", strconv.Itoa(database.RetryAfterSeconds))
	}
	if raw, ok := data.(json.RawMessage); ok {
		// Our executor's data, written as they are: json.Marshal would check and copy them.
		var errs []byte
		if presented != nil {
			var err error
			if errs, err = json.Marshal(presented); err != nil {
				h.encodingFailed(w, r, err)
				return
			}
		}
		h.writeResult(w, status, errs, raw)
		return
	}
	h.writeJSON(w, r, status, struct {
		Errors []gqlError `json:"errors,omitempty"`
		Data   any        `json:"data,omitempty"`
	}{presented, data})
}

// bufferPool keeps the buffers responses are written into. Making (and zeroing) a fresh
// buffer for every response was a third of the bytes a scan allocated, and the collector's
// work grows with them.
type bufferPool struct{ pool sync.Pool }

// maxPooledBuffer bounds the buffers kept: the odd large response (a page of 100 devices)
// should not leave its buffer to every scan after it.
const maxPooledBuffer = 64 << 10

func (b *bufferPool) get() *[]byte {
	if buf, ok := b.pool.Get().(*[]byte); ok {
		return buf
	}
	buf := make([]byte, 0, 4096)
	return &buf
}

// put returns buf to the pool once the response written from it has left the handler
// (net/http copied it into its own buffer).
func (b *bufferPool) put(buf *[]byte) {
	if cap(*buf) <= maxPooledBuffer {
		b.pool.Put(buf)
	}
}

// writeJSON writes v as the JSON response.
func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		h.encodingFailed(w, r, err)
		return
	}
	h.write(w, status, body)
}

// write sends a JSON body.
func (h *Handler) write(w http.ResponseWriter, status int, body []byte) {
	h.writeHeader(w, status, len(body))
	w.Write(body)
}

// writeResult sends {"errors":errs,"data":data} (without errors when errs is nil) from its
// pieces, without copying them into one body first.
func (h *Handler) writeResult(w http.ResponseWriter, status int, errs, data []byte) {
	n := len(`{"data":}`) + len(data)
	if errs != nil {
		n += len(`"errors":,`) + len(errs)
	}
	h.writeHeader(w, status, n)
	// net/http buffers the pieces: they leave together.
	io.WriteString(w, "{")
	if errs != nil {
		io.WriteString(w, `"errors":`)
		w.Write(errs)
		io.WriteString(w, ",")
	}
	io.WriteString(w, `"data":`)
	w.Write(data)
	io.WriteString(w, "}")
}

func (h *Handler) writeHeader(w http.ResponseWriter, status, length int) {
	header := w.Header()
	header["Content-Type"] = h.jsonType
	// With its length known net/http sends the response in one piece, not chunked (it chunks
	// a body of over 2 KiB written by a handler that did not say its length).
	header["Content-Length"] = []string{strconv.Itoa(length)}
	w.WriteHeader(status)
}

// encodingFailed answers a request whose result JSON cannot hold: a resolver returned a value
// such as NaN.
func (h *Handler) encodingFailed(w http.ResponseWriter, r *http.Request, err error) {
	body, _ := json.Marshal(struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{h.presenter.present(r.Context(), gqlerrors.FormatError(fmt.Errorf("encoding the response: %w", err)))}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write(body)
}
