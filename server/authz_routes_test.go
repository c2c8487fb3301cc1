package server_test

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	wt "github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// azRoute is one row of the file routes' and pages' table: the path of a route on a side's
// objects, and what it names.
type azRoute struct {
	// path returns the path (and query) on side s's objects.
	path func(w *azWorld, s *azSide) string
	// kind is the kind of party whose object the path (or the form) names; kindShared for a
	// page or list that names none (lists are checked for what they show).
	kind azKind
	// form is the body of a POST: the least a handler needs to get as far as the object.
	form func(w *azWorld, s *azSide) url.Values
	// public: answers anyone, with a page that shows nothing of the object (a label's or a
	// badge's neutral page, the public verification without its token, the PIN pad off a
	// bench).
	public bool
	// skip says why the route is not called (it would sign the client out).
	skip string
	// officeOnly: the office alone gets it, the object's owner too gets 403.
	officeOnly bool
	// ownerStatus is what the owner gets on their own object (default 200): 303 where the
	// scan opens the device, or where a trainee is sent to their own progress page from a
	// page of the office's.
	ownerStatus int
	// multipart sends the form as multipart/form-data, with a small CSV file in "file".
	multipart bool
}

func path(p string) func(*azWorld, *azSide) string {
	return func(*azWorld, *azSide) string { return p }
}

func form(kv ...string) func(*azWorld, *azSide) url.Values {
	return func(*azWorld, *azSide) url.Values {
		f := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
}

func tagPath(prefix, suffix string) func(*azWorld, *azSide) string {
	return func(_ *azWorld, s *azSide) string { return prefix + url.PathEscape(s.device.Tag) + suffix }
}

func donationPath(prefix, suffix string) func(*azWorld, *azSide) string {
	return func(_ *azWorld, s *azSide) string { return prefix + s.donation.Number + suffix }
}

func requestPath(suffix string) func(*azWorld, *azSide) string {
	return func(_ *azWorld, s *azSide) string { return "/requests/" + strconv.FormatInt(s.request.ID, 10) + suffix }
}

func traineePath(prefix, suffix string) func(*azWorld, *azSide) string {
	return func(_ *azWorld, s *azSide) string { return prefix + strconv.FormatInt(s.trainee.ID, 10) + suffix }
}

func userPath(suffix string) func(*azWorld, *azSide) string {
	return func(_ *azWorld, s *azSide) string {
		return "/admin/users/" + strconv.FormatInt(s.workerUser.ID, 10) + suffix
	}
}

// azRoutes has rows for every route of package web, by its pattern.
var azRoutes = map[string][]azRoute{
	"GET /{$}":             {{path: path("/")}},
	"GET /login":           {{path: path("/login")}},
	"GET /static/{file}":   {{path: path("/static/style.css")}},
	"GET /scan":            {{path: func(_ *azWorld, s *azSide) string { return "/scan?tag=" + url.QueryEscape(s.device.Tag) }, kind: kindDonor, ownerStatus: http.StatusSeeOther}},
	"GET /D/{tag}":         {{path: tagPath("/D/", ""), kind: kindDonor}},
	"GET /d/{tag}":         {{path: tagPath("/d/", ""), kind: kindDonor}},
	"GET /devices":         {{path: path("/devices")}},
	"GET /devices/{tag}":   {{path: tagPath("/devices/", ""), kind: kindDonor}},
	"GET /bench":           {{path: path("/bench")}},
	"GET /bench/cards":     {{path: path("/bench/cards")}},
	"GET /intake":          {{path: path("/intake")}},
	"GET /intake/{number}": {{path: donationPath("/intake/", ""), kind: kindDonor}},
	"GET /labels":          {{path: donationPath("/labels?donation=", ""), kind: kindDonor, officeOnly: true}},
	"GET /labels/{file}":   {{path: tagPath("/labels/", ".png"), kind: kindDonor, officeOnly: true}},
	"GET /donations":       {{path: path("/donations")}},
	"GET /verify/{number}": {{path: func(_ *azWorld, s *azSide) string { return "/verify/" + s.certificate.Number }, kind: kindDonor, public: true}},
	"GET /requests":        {{path: path("/requests")}},
	"GET /requests/new":    {{path: path("/requests/new")}},
	"GET /requests/queue":  {{path: path("/requests/queue")}},
	"GET /requests/{id}":   {{path: requestPath(""), kind: kindRequest}},
	"GET /requests/{id}/handout": {{path: func(_ *azWorld, s *azSide) string {
		return "/requests/" + strconv.FormatInt(s.handedOut.ID, 10) + "/handout"
	}, kind: kindRequest, officeOnly: true}},
	"GET /hours":                   {{path: path("/hours")}},
	"GET /progress":                {{path: path("/progress")}},
	"GET /pin":                     {{path: path("/pin")}},
	"GET /pin/{id}":                {{path: traineePath("/pin/", ""), kind: kindTrainee, public: true}},
	"GET /T/{token}":               {{path: func(_ *azWorld, s *azSide) string { return "/T/" + *s.trainee.BadgeToken }, kind: kindTrainee, public: true}},
	"GET /t/{token}":               {{path: func(_ *azWorld, s *azSide) string { return "/t/" + strings.ToLower(*s.trainee.BadgeToken) }, kind: kindTrainee, public: true}},
	"GET /review":                  {{path: path("/review")}},
	"GET /trainees":                {{path: path("/trainees")}},
	"GET /trainees/{id}":           {{path: traineePath("/trainees/", ""), kind: kindTrainee, ownerStatus: http.StatusSeeOther}},
	"GET /trainees/{id}/badge.pdf": {{path: traineePath("/trainees/", "/badge.pdf"), kind: kindTrainee, ownerStatus: http.StatusSeeOther}},
	"GET /programmes":              {{path: path("/programmes")}},
	"GET /sessions":                {{path: path("/sessions")}},
	"GET /sessions/{id}":           {{path: func(w *azWorld, _ *azSide) string { return "/sessions/" + strconv.FormatInt(w.session.ID, 10) }}},
	"GET /reports/hours":           {{path: path("/reports/hours")}},
	"GET /reports/{file}": {{path: func(*azWorld, *azSide) string {
		return "/reports/hours.csv?from=" + wt.Today().AddDate(0, -2, 0).Format("2006-01") + "&to=" + wt.Today().Format("2006-01")
	}, kind: kindTrainee, ownerStatus: http.StatusSeeOther}},
	"GET /certificates/{file}": {
		{path: func(_ *azWorld, s *azSide) string { return "/certificates/" + s.certificate.Number + ".pdf" }, kind: kindDonor},
		// Receipts are the office's to print (docs/requests.md); an attendance certificate is
		// also its trainee's to download (docs/certificates.md).
		{path: func(_ *azWorld, s *azSide) string { return "/certificates/" + s.receipt + ".pdf" }, kind: kindRequest, officeOnly: true},
		{path: func(_ *azWorld, s *azSide) string { return "/certificates/" + s.attendance + ".pdf" }, kind: kindTrainee},
	},
	"GET /donors/{id}": {{path: func(_ *azWorld, s *azSide) string { return "/donors/" + strconv.FormatInt(s.donor.ID, 10) }, kind: kindDonor}},
	"GET /follow-ups":  {{path: path("/follow-ups")}},
	"GET /impact":      {{path: path("/impact")}},
	"GET /impact/{file}": {{path: func(*azWorld, *azSide) string {
		return "/impact/hand_outs.csv?from=" + wt.Today().AddDate(-1, 0, 0).Format("2006-01-02") + "&to=" + wt.Today().Format("2006-01-02")
	}}},
	"GET /requests/{id}/follow-up": {{path: func(_ *azWorld, s *azSide) string {
		return "/requests/" + strconv.FormatInt(s.handedOut.ID, 10) + "/follow-up"
	}, kind: kindRequest}},
	"GET /wipe-reports":          {{path: path("/wipe-reports")}},
	"GET /wipe-reports/{sha256}": {{path: func(_ *azWorld, s *azSide) string { return "/wipe-reports/" + s.wipeReport }, kind: kindDonor}},
	"GET /admin":                 {{path: path("/admin")}},
	"GET /admin/users":           {{path: path("/admin/users")}},
	"GET /admin/partners":        {{path: path("/admin/partners")}},
	"GET /admin/requests":        {{path: path("/admin/requests")}},

	"POST /login":                    {{skip: "signs in"}},
	"POST /logout":                   {{skip: "signs the client out"}},
	"POST /lang":                     {{path: path("/lang"), form: form("lang", "fr")}},
	"POST /bench":                    {{path: path("/bench"), form: func(_ *azWorld, s *azSide) url.Values { return url.Values{"code": {s.device.Tag}} }}},
	"POST /benches":                  {{skip: "opens a bench on the client: staff only, names nothing"}},
	"POST /benches/{id}/close":       {{path: path("/benches/1/close")}},
	"POST /pin/{id}":                 {{path: traineePath("/pin/", ""), form: form("pin", "0000"), kind: kindTrainee, public: true}},
	"POST /pin-done":                 {{skip: "signs a bench's trainee out"}},
	"POST /progress/pin":             {{path: path("/progress/pin"), form: form("pin", "2580", "pin2", "2580")}},
	"POST /verify/{number}":          {{path: func(_ *azWorld, s *azSide) string { return "/verify/" + s.certificate.Number }, kind: kindDonor, public: true, form: form("t", ""), multipart: true}},
	"POST /devices/{tag}/flag":       {{path: tagPath("/devices/", "/flag"), form: form("flag", "needs_part", "version", "1"), kind: kindDonor}},
	"POST /devices/{tag}/note":       {{path: tagPath("/devices/", "/note"), form: form("note", "scratch"), kind: kindDonor}},
	"POST /devices/{tag}/qa":         {{path: tagPath("/devices/", "/qa"), form: form("version", "1"), kind: kindDonor}},
	"POST /devices/{tag}/repair":     {{path: tagPath("/devices/", "/repair"), form: form("description", "cleaned", "minutes", "5", "outcome", "fixed", "version", "1"), kind: kindDonor}},
	"POST /devices/{tag}/transition": {{path: tagPath("/devices/", "/transition"), form: form("to", "in_repair", "version", "1"), kind: kindDonor}},
	"POST /devices/{tag}/wipe": {{path: tagPath("/devices/", "/wipe"), form: func(_ *azWorld, s *azSide) url.Values {
		return url.Values{"medium": {strconv.FormatInt(s.medium.ID, 10)}, "method": {"purge"}, "technique": {"NVMe Format"}, "result": {"passed"}}
	}, kind: kindDonor}},
	"POST /donations/{number}/certificates": {{path: donationPath("/donations/", "/certificates"), form: form("kind", "donation", "language", "en"), kind: kindDonor}},
	"POST /intake":                          {{path: path("/intake"), form: form("receivedOn", "2026-01-05")}},
	"POST /intake/{number}/devices":         {{path: donationPath("/intake/", "/devices"), form: form("kind", "monitor"), kind: kindDonor}},
	"POST /intake/{number}/import":          {{path: donationPath("/intake/", "/import"), form: form(), kind: kindDonor, multipart: true}},
	"POST /intake/{number}/import/confirm":  {{path: donationPath("/intake/", "/import/confirm"), form: form("key", "x"), kind: kindDonor}},
	"POST /imports":                         {{path: path("/imports"), form: func(_ *azWorld, s *azSide) url.Values { return url.Values{"donation": {s.donation.Number}} }, kind: kindDonor, multipart: true}},
	"POST /labels/reserve":                  {{path: path("/labels/reserve"), form: form("count", "1")}},
	"POST /requests":                        {{path: path("/requests"), form: form("reference", "REF-FORM", "kind", "laptop", "purpose", "other")}},
	"POST /requests/{id}/allocate":          {{path: requestPath("/allocate"), form: form("device", "1:1"), kind: kindRequest}},
	"POST /requests/{id}/cancel":            {{path: requestPath("/cancel"), form: form(), kind: kindRequest}},
	"POST /requests/{id}/decide":            {{path: requestPath("/decide"), form: form("decision", "approve"), kind: kindRequest}},
	"POST /requests/{id}/handout":           {{path: requestPath("/handout"), form: form("signature", "x"), kind: kindRequest}},
	"POST /requests/{id}/receipt":           {{path: requestPath("/receipt"), form: form("language", "fr"), kind: kindRequest}},
	"POST /requests/{id}/release":           {{path: requestPath("/release"), form: form(), kind: kindRequest}},
	"POST /hours": {{path: path("/hours"), form: func(_ *azWorld, s *azSide) url.Values {
		return url.Values{"trainee": {strconv.FormatInt(s.trainee.ID, 10)}, "date": {wt.Today().AddDate(0, 0, -1).Format("2006-01-02")}, "minutes": {"5"}, "activity": {"repair"}}
	}, kind: kindTrainee}},
	"POST /review": {{path: path("/review"), form: func(_ *azWorld, s *azSide) url.Values {
		return url.Values{"action": {"approve"}, "id": {strconv.FormatInt(s.hours.ID, 10)}}
	}, kind: kindTrainee}},
	"POST /trainees":      {{path: path("/trainees"), form: form("name", "New Trainee")}},
	"POST /trainees/{id}": {{path: traineePath("/trainees/", ""), form: form("action", "update", "name", "Renamed"), kind: kindTrainee}},
	"POST /programmes":    {{path: path("/programmes"), form: form("name", "P")}},
	"POST /sessions":      {{path: path("/sessions"), form: form("topic", "T")}},
	"POST /sessions/{id}": {{path: func(w *azWorld, _ *azSide) string { return "/sessions/" + strconv.FormatInt(w.session.ID, 10) }, form: func(_ *azWorld, s *azSide) url.Values {
		return url.Values{"trainee": {strconv.FormatInt(s.trainee.ID, 10)}}
	}, kind: kindTrainee}},
	"POST /admin/users":               {{path: path("/admin/users"), form: form("email", "x@example.org", "name", "X", "role", "staff", "password", "correct horse battery")}},
	"POST /admin/users/{id}/disabled": {{path: userPath("/disabled"), form: form("disabled", "true"), kind: kindUser}},
	"POST /admin/users/{id}/links":    {{path: userPath("/links"), form: form(), kind: kindUser}},
	"POST /admin/users/{id}/password": {{path: userPath("/password"), form: form("password", "correct horse battery staple"), kind: kindUser}},
	"POST /admin/partners":            {{path: path("/admin/partners"), form: form("name", "P", "kind", "ngo")}},
	"POST /admin/requests":            {{path: path("/admin/requests"), form: form("maxOpen", "50")}},
	"POST /admin/requests/anonymise":  {{skip: "anonymises every old request: administrators only, names nothing"}},
	"POST /admin/trainees/retention":  {{path: path("/admin/trainees/retention"), form: form("trainee_days", "90")}},
	"POST /admin/trainees/anonymise":  {{path: path("/admin/trainees/anonymise"), form: form()}},
	"POST /impact/report":             {{path: path("/impact/report"), form: form("year", "2026", "language", "en")}},
	"POST /requests/{id}/follow-up": {{path: func(w *azWorld, s *azSide) string {
		return "/requests/" + strconv.FormatInt(w.handedOutWithFollowUp(s).ID, 10) + "/follow-up"
	}, form: form("inUse", "yes", "problem", "none"), kind: kindRequest}},
	"POST /wipe-reports":         {{path: path("/wipe-reports"), form: form(), multipart: true}},
	"POST /wipe-reports/check":   {{path: path("/wipe-reports/check"), form: form(), multipart: true}},
	"POST /wipe-reports/confirm": {{path: path("/wipe-reports/confirm"), form: form("key", "x")}},
}

// webRoutes reads the patterns package web registers from its source: a route added there
// without a row here fails TestFileRoutesAuthorisation.
func webRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../web/*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`HandleFunc\("((?:GET|POST|PUT|PATCH|DELETE) [^"]+)"`)
	var patterns []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			patterns = append(patterns, m[1])
		}
	}
	if len(patterns) < 50 {
		t.Fatalf("found %d routes in ../web: has the way routes are registered changed?", len(patterns))
	}
	slices.Sort(patterns)
	return patterns
}

// TestFileRoutesAuthorisation calls every route of the pages and files (/certificates/...,
// /labels/..., /imports, /reports/..., badges, hand-out pages, ...) as donor A, social worker A
// and trainee A, signed in with a browser session, on side B's objects. A route that names an
// object of a kind the role may not see of another party's answers 403 or 404 (public ones,
// such as a label's page, a page that shows nothing of it); no answer holds another party's
// data and none is a 500. The owner of each object gets its route (so that the paths are right).
func TestFileRoutesAuthorisation(t *testing.T) {
	t.Parallel()
	w := newAZWorld(t)
	patterns := webRoutes(t)
	for _, p := range patterns {
		if _, ok := azRoutes[p]; !ok {
			t.Errorf("route %q has no row in azRoutes (server/authz_routes_test.go): say what it names", p)
		}
	}
	for p := range azRoutes {
		if !slices.Contains(patterns, p) {
			t.Errorf("azRoutes has a row for %q, which package web does not serve", p)
		}
	}
	clients := map[string]*http.Client{}
	for role, u := range map[string]string{"donor": w.a.donorUser.Email, "social": w.a.workerUser.Email, "trainee": w.a.traineeUser.Email} {
		clients[role] = w.srv.SignIn(u)
	}
	owners := map[azKind]string{kindDonor: "donor", kindRequest: "social", kindTrainee: "trainee"}
	calls := 0
	for _, p := range patterns {
		method, _, _ := strings.Cut(p, " ")
		for i, rt := range azRoutes[p] {
			if rt.skip != "" {
				continue
			}
			for _, role := range []string{"donor", "social", "trainee"} {
				t.Run(fmt.Sprintf("%s#%d/%s", p, i, role), func(t *testing.T) {
					target := rt.path(w, w.b)
					before := w.fingerprint(t, w.b)
					status, location, body := w.call(t, clients[role], method, target, rt, w.b)
					calls++
					t.Logf("%s %s as %s: %d %s", method, target, role, status, location)
					if status >= 500 {
						t.Fatalf("%s %s as %s: %d", method, target, role, status)
					}
					refused := status == http.StatusForbidden || status == http.StatusNotFound
					switch {
					case refused, rt.kind == kindShared, !hides(role, rt.kind), rt.public:
					case method == http.MethodGet && status == http.StatusSeeOther && !strings.HasPrefix(location, strings.SplitN(target, "?", 2)[0]):
						// Sent to a page of their own (a trainee to their progress).
					case method == http.MethodPost && (status == http.StatusSeeOther || status == http.StatusBadRequest || status == http.StatusUnprocessableEntity):
						// A form refused with a message; it must have changed nothing.
						if after := w.fingerprint(t, w.b); after != before {
							t.Errorf("%s %s as %s: %d, and side B's objects changed:\n%s\n%s", method, target, role, status, before, after)
						}
					default:
						t.Errorf("%s %s as %s, side B's: got %d (to %q), want 403 or 404:\n%.2000s", method, target, role, status, location, body)
					}
					// The page may repeat the path it was asked for (the language form's next):
					// what the request named is not the answer's to leak.
					if leak := w.leak(strings.ReplaceAll(body+location, target, ""), role); leak != "" {
						t.Errorf("%s %s as %s: the answer holds %s, another party's:\n%.2000s", method, target, role, leak, body)
					}
				})
			}
			// The owner gets their own object's page or file (so that the path is right), or
			// 403 from a route of the office's.
			if owner := owners[rt.kind]; method == http.MethodGet && owner != "" && !rt.public {
				status, _, body := w.call(t, clients[owner], method, rt.path(w, w.a), rt, w.a)
				calls++
				want := cmp.Or(rt.ownerStatus, http.StatusOK)
				if rt.officeOnly {
					want = http.StatusForbidden
				}
				if status != want {
					t.Errorf("%s as %s, their own: got %d, want %d:\n%.1000s", rt.path(w, w.a), owner, status, want, body)
				}
			}
		}
	}
	t.Logf("%d routes, %d calls", len(patterns), calls)
}

// call sends a GET, or a POST of the route's form from the server's own origin, with client,
// and returns the status, where it redirects to and the body.
func (w *azWorld) call(t *testing.T, c *http.Client, method, path string, rt azRoute, s *azSide) (int, string, string) {
	t.Helper()
	var body io.Reader
	contentType := "application/x-www-form-urlencoded"
	if method == http.MethodPost && rt.form != nil {
		f := rt.form(w, s)
		if rt.multipart {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for k, vs := range f {
				for _, v := range vs {
					mw.WriteField(k, v)
				}
			}
			fw, _ := mw.CreateFormFile("file", "list.csv")
			fw.Write([]byte("Type,Serial\nlaptop,SN-FORM-1\n"))
			mw.Close()
			body, contentType = &buf, mw.FormDataContentType()
		} else {
			body = strings.NewReader(f.Encode())
		}
	}
	req, err := http.NewRequest(method, w.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Origin", w.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// fingerprint returns the state of side s's objects, read as the schema's owner (past
// row-level security): a refused form must leave it as it was.
func (w *azWorld) fingerprint(t *testing.T, s *azSide) string {
	t.Helper()
	users := []int64{s.donorUser.ID, s.workerUser.ID, s.traineeUser.ID}
	var out string
	err := w.srv.DB.Owner.NewRaw(`SELECT concat_ws(E'\n',
		(SELECT string_agg(to_jsonb(x)::text, ',' ORDER BY x.id) FROM donations x WHERE x.donor_id = ?0),
		(SELECT string_agg(to_jsonb(x)::text, ',' ORDER BY x.id) FROM devices x WHERE x.donation_id IN (SELECT id FROM donations WHERE donor_id = ?0)),
		(SELECT count(*) FROM device_events x WHERE x.device_id IN (SELECT d.id FROM devices d JOIN donations dn ON dn.id = d.donation_id WHERE dn.donor_id = ?0)),
		(SELECT count(*) FROM storage_media x WHERE x.device_id IN (SELECT d.id FROM devices d JOIN donations dn ON dn.id = d.donation_id WHERE dn.donor_id = ?0)),
		(SELECT count(*) FROM certificates x WHERE x.donation_id IN (SELECT id FROM donations WHERE donor_id = ?0)),
		(SELECT count(*) FROM imports x WHERE x.donation_id IN (SELECT id FROM donations WHERE donor_id = ?0)),
		(SELECT string_agg(to_jsonb(x)::text, ',' ORDER BY x.id) FROM device_requests x WHERE x.partner_id = ?1),
		(SELECT to_jsonb(x)::text FROM trainees x WHERE x.id = ?2),
		(SELECT string_agg(to_jsonb(x)::text, ',' ORDER BY x.id) FROM hour_entries x WHERE x.trainee_id = ?2),
		(SELECT count(*) FROM attendance x WHERE x.trainee_id = ?2),
		(SELECT count(*) FROM skill_assessments x WHERE x.trainee_id = ?2),
		(SELECT count(*) FROM enrolments x WHERE x.trainee_id = ?2),
		(SELECT string_agg(to_jsonb(x)::text, ',' ORDER BY x.id) FROM users x WHERE x.id IN (?3)),
		(SELECT string_agg(to_jsonb(x)::text, ',' ORDER BY x.user_id) FROM user_pins x WHERE x.user_id IN (?3)))`,
		s.donor.ID, s.partner.ID, s.trainee.ID, bun.List(users)).Scan(t.Context(), &out)
	if err != nil {
		t.Fatalf("fingerprint of side %s: %v", s.name, err)
	}
	return out
}
