package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/labels"
)

// Bench mode: scan a mode card (MODE:READY) to arm a move, then every device scanned makes that
// move. The armed mode and the last lines of results live in the user's session, so the page
// works as a plain form posted once per scan; app.js posts it in the background instead, to keep
// the scan box focused and to beep.

const (
	benchModeKey = "bench.mode"
	benchLogKey  = "bench.log"
	benchLogSize = 25
)

// benchLine is the result of one scan.
type benchLine struct {
	Text   string `json:"t"`
	Failed bool   `json:"f,omitempty"`
}

type benchData struct {
	Mode  inventory.Status
	Modes []inventory.Status
	Log   []benchLine
}

// cardModes are the moves bench mode offers, in the order the cards are printed. Reserving and
// handing out go through a request, so they have no card.
var cardModes = []inventory.Status{inventory.StatusWiped, inventory.StatusInRepair, inventory.StatusReady,
	inventory.StatusRecycled, inventory.StatusDismantled, inventory.StatusLost, inventory.StatusReceived}

func (h *Handler) benchLog(r *http.Request) []benchLine {
	var log []benchLine
	if !hasSession(r) {
		return nil
	}
	if raw := h.sessions.GetString(r.Context(), benchLogKey); raw != "" {
		json.Unmarshal([]byte(raw), &log)
	}
	return log
}

func (h *Handler) benchPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "bench.title")
	if !ok {
		return
	}
	v.Nav = "bench"
	var mode inventory.Status
	if hasSession(r) {
		mode = inventory.Status(h.sessions.GetString(r.Context(), benchModeKey))
	}
	v.Data = benchData{Mode: mode, Modes: cardModes, Log: h.benchLog(r)}
	h.render(w, r, http.StatusOK, "bench.html", v)
}

// benchScan handles one scan: a mode card arms or disarms, a device gets the armed move.
func (h *Handler) benchScan(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "bench.title", 8<<10)
	if !ok {
		return
	}
	if !hasSession(r) {
		// Bench mode remembers the armed card in the browser's session; a script moves
		// devices with transitionDevice instead.
		http.Error(w, "bench mode needs a browser session: sign in, or use the GraphQL API with a token", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	if r.PostForm.Has("clear") {
		h.sessions.Remove(ctx, benchLogKey)
		http.Redirect(w, r, "/bench", http.StatusSeeOther)
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if code == "" {
		http.Redirect(w, r, "/bench", http.StatusSeeOther)
		return
	}
	var line benchLine
	if mode, ok := modeOf(code); ok {
		if mode == "" {
			h.sessions.Remove(ctx, benchModeKey)
			line = benchLine{Text: v.T("bench.disarmed")}
		} else {
			h.sessions.Put(ctx, benchModeKey, string(mode))
			line = benchLine{Text: v.T("bench.armed", "Status", v.T("status."+string(mode)))}
		}
	} else if mode := inventory.Status(h.sessions.GetString(ctx, benchModeKey)); mode == "" {
		line = benchLine{Text: v.T("bench.no_mode", "Code", code), Failed: true}
	} else {
		var err error
		if line, err = h.benchMove(r, v, code, mode); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	log := append([]benchLine{line}, h.benchLog(r)...)
	if len(log) > benchLogSize {
		log = log[:benchLogSize]
	}
	raw, _ := json.Marshal(log)
	h.sessions.Put(ctx, benchLogKey, string(raw))
	http.Redirect(w, r, "/bench", http.StatusSeeOther)
}

// benchMove moves the scanned device to mode, at the version it has now. A refused move is a
// failed line, not an error.
func (h *Handler) benchMove(r *http.Request, v *view, code string, mode inventory.Status) (benchLine, error) {
	d, status, msg := h.lookUp(r, v, code)
	if status == http.StatusInternalServerError {
		return benchLine{}, errors.New(msg)
	}
	if d == nil {
		return benchLine{Text: msg, Failed: true}, nil
	}
	if d.Status == mode {
		return benchLine{Text: v.T("bench.already", "Tag", d.Tag, "Status", v.T("status."+string(mode)))}, nil
	}
	from := d.Status
	if _, err := h.inventory.Transition(r.Context(), d.ID, d.Version, mode, ""); err != nil {
		e := explain(v.L, err)
		if e.status == http.StatusInternalServerError {
			return benchLine{}, err
		}
		return benchLine{Text: d.Tag + ": " + e.message, Failed: true}, nil
	}
	return benchLine{Text: v.T("bench.moved", "Tag", d.Tag, "From", v.T("status."+string(from)), "To", v.T("status."+string(mode)))}, nil
}

// benchCards prints the mode cards, to be laminated and kept at the bench.
func (h *Handler) benchCards(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "bench.cards_title")
	if !ok {
		return
	}
	v.Nav = "bench"
	type card struct {
		Code  string
		Label string
		QR    template.HTML // inline SVG, drawn by labels: the bench scanner reads it like a tag
	}
	var cards []card
	add := func(code, label string) error {
		var b strings.Builder
		if err := labels.WriteQRSVG(&b, code, labels.LevelM); err != nil {
			return err
		}
		cards = append(cards, card{Code: code, Label: label, QR: template.HTML(b.String())})
		return nil
	}
	for _, m := range cardModes {
		if err := add("MODE:"+strings.ToUpper(string(m)), v.T("status."+string(m))); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if err := add("MODE:OFF", v.T("bench.off")); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Data = cards
	h.render(w, r, http.StatusOK, "cards.html", v)
}
