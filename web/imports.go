package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// importFormSlack is what a multipart body may hold besides the file: boundaries, part
// headers, the donation number and the dry-run flag.
const importFormSlack = 64 << 10

// importAssetList answers POST /imports, a donor's asset list sent as multipart/form-data with
// the fields file (CSV or XLSX), donation (its number, such as DON-2026-00042) and dryRun (true
// or false, default false), from a signed-in browser or with an API token. The answer is the
// inventory.ImportReport as JSON: 200 when the list was imported, already imported or checked
// in a dry run; 422 when rows are wrong, in which case nothing was imported and the report
// lists every wrong row. Errors are {"error": "...", "field": "..."} with the status of
// errors.go's table: 422 for a wrong or missing field (no file, no such donation, an unreadable
// list), 401 without credentials, 403 for a role that may not import, 413 for a file over the
// limit, a workbook that unzips to over ten times the limit or a list of too many rows;
// 400 only for a body that is not multipart/form-data at all.
func (h *Handler) importAssetList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// Refuse early rather than read megabytes that will be refused; the store checks the role.
	if _, ok := auth.ActorFrom(ctx); !ok {
		h.jsonError(w, r, auth.ErrUnauthenticated)
		return
	}
	limit := int64(inventory.MaxImportBytes)
	tooLarge := fmt.Errorf("%w (%w)", validation.Field("file", "the file is larger than the %d MB limit", limit>>20), inventory.ErrTooLarge)
	r.Body = http.MaxBytesReader(w, r.Body, limit+importFormSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		badRequestJSON(w, "send the asset list as multipart/form-data with the fields file, donation and dryRun")
		return
	}
	var (
		number, dry, filename string
		data                  []byte
		haveFile              bool
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if isMaxBytes(err) {
				h.jsonError(w, r, tooLarge)
				return
			}
			badRequestJSON(w, "the form could not be read: send multipart/form-data with the fields file, donation and dryRun")
			return
		}
		switch part.FormName() {
		case "file":
			if haveFile {
				h.jsonError(w, r, validation.Field("file", "send one file at a time"))
				return
			}
			filename, haveFile = part.FileName(), true
			data, err = io.ReadAll(io.LimitReader(part, limit+1))
			if err == nil && int64(len(data)) > limit {
				h.jsonError(w, r, tooLarge)
				return
			}
		case "donation":
			number, err = formValue(part)
		case "dryRun":
			dry, err = formValue(part)
		}
		part.Close()
		if err != nil {
			if isMaxBytes(err) {
				h.jsonError(w, r, tooLarge)
				return
			}
			badRequestJSON(w, "the form could not be read: "+err.Error())
			return
		}
	}
	if !haveFile {
		h.jsonError(w, r, validation.Field("file", "no file: send the asset list (CSV or XLSX) in the field file"))
		return
	}
	if number == "" {
		h.jsonError(w, r, validation.Field("donation", "no donation: send its number, such as DON-2026-00042, in the field donation"))
		return
	}
	dryRun := false
	switch strings.ToLower(dry) {
	case "", "false", "0", "off", "no":
	case "true", "1", "on", "yes":
		dryRun = true
	default:
		h.jsonError(w, r, validation.Field("dryRun", "dryRun is %q: use true or false", dry))
		return
	}
	don, err := h.inventory.DonationByNumber(ctx, number)
	if errors.Is(err, inventory.ErrNotFound) {
		// The donation is this request's input: a field to correct, not a missing page.
		err = validation.Field("donation", "there is no donation %s", strings.ToUpper(number))
	}
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	rep, err := h.inventory.ImportAssetList(ctx, don.ID, filename, data, dryRun)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	status := http.StatusOK
	if len(rep.Errors) > 0 && !rep.DryRun {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, rep)
}

// formValue reads a small form field.
func formValue(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<10))
	return strings.TrimSpace(string(b)), err
}

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// badRequestJSON answers a body that cannot be read as the request it should be.
func badRequestJSON(w http.ResponseWriter, message string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": message})
}
