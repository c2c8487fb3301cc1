package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
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
// lists every wrong row. Errors are {"error": "...", "field": "..."}: 400 for a bad request, 401
// without credentials, 403 for a role that may not import, 413 for a file over the limit, a
// workbook that unzips to over ten times the limit or a worksheet of too many rows.
func (h *Handler) importAssetList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// Refuse early rather than read megabytes that will be refused; the store checks the role.
	if _, ok := auth.ActorFrom(ctx); !ok {
		importError(w, http.StatusUnauthorized, "", "sign in, or send an API token as Authorization: Bearer <token>")
		return
	}
	limit := int64(inventory.MaxImportBytes)
	tooLarge := "the file is larger than the " + strconv.FormatInt(limit>>20, 10) + " MB limit"
	r.Body = http.MaxBytesReader(w, r.Body, limit+importFormSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		importError(w, http.StatusBadRequest, "", "send the asset list as multipart/form-data with the fields file, donation and dryRun")
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
				importError(w, http.StatusRequestEntityTooLarge, "file", tooLarge)
				return
			}
			importError(w, http.StatusBadRequest, "", "the form could not be read: send multipart/form-data with the fields file, donation and dryRun")
			return
		}
		switch part.FormName() {
		case "file":
			if haveFile {
				importError(w, http.StatusBadRequest, "file", "send one file at a time")
				return
			}
			filename, haveFile = part.FileName(), true
			data, err = io.ReadAll(io.LimitReader(part, limit+1))
			if err == nil && int64(len(data)) > limit {
				importError(w, http.StatusRequestEntityTooLarge, "file", tooLarge)
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
				importError(w, http.StatusRequestEntityTooLarge, "file", tooLarge)
				return
			}
			importError(w, http.StatusBadRequest, "", "the form could not be read: "+err.Error())
			return
		}
	}
	if !haveFile {
		importError(w, http.StatusBadRequest, "file", "no file: send the asset list (CSV or XLSX) in the field file")
		return
	}
	if number == "" {
		importError(w, http.StatusBadRequest, "donation", "no donation: send its number, such as DON-2026-00042, in the field donation")
		return
	}
	dryRun := false
	switch strings.ToLower(dry) {
	case "", "false", "0", "off", "no":
	case "true", "1", "on", "yes":
		dryRun = true
	default:
		importError(w, http.StatusBadRequest, "dryRun", "dryRun is "+strconv.Quote(dry)+": use true or false")
		return
	}
	don, err := h.inventory.DonationByNumber(ctx, number)
	if errors.Is(err, inventory.ErrNotFound) {
		importError(w, http.StatusBadRequest, "donation", "there is no donation "+strings.ToUpper(number))
		return
	}
	if err != nil {
		h.importFail(w, r, err)
		return
	}
	rep, err := h.inventory.ImportAssetList(ctx, don.ID, filename, data, dryRun)
	if err != nil {
		h.importFail(w, r, err)
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

func importError(w http.ResponseWriter, status int, field, message string) {
	body := map[string]string{"error": message}
	if field != "" {
		body["field"] = field
	}
	writeJSON(w, status, body)
}

// importFail answers an error of the store: bad input and refusals in their own words, anything
// else as an internal error whose detail goes to the log only.
func (h *Handler) importFail(w http.ResponseWriter, r *http.Request, err error) {
	if fe, ok := validation.As(err); ok {
		status := http.StatusBadRequest
		if errors.Is(err, inventory.ErrTooLarge) {
			// Over a limit found only by reading the file (what a workbook unzips to, a
			// worksheet's rows): 413 as for the upload limit, in the store's words.
			status = http.StatusRequestEntityTooLarge
		}
		importError(w, status, fe.Field, fe.Message)
		return
	}
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		importError(w, http.StatusUnauthorized, "", err.Error())
	case errors.Is(err, auth.ErrForbidden):
		importError(w, http.StatusForbidden, "", "importing asset lists is for staff and administrators")
	case errors.Is(err, inventory.ErrNotFound):
		importError(w, http.StatusBadRequest, "donation", "there is no such donation")
	default:
		id := reqinfo.From(r.Context()).ID
		h.log.ErrorContext(r.Context(), "import asset list", "request_id", id, "err", err)
		importError(w, http.StatusInternalServerError, "", "internal error (request "+id+")")
	}
}
