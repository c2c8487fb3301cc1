package graph_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
)

func TestImportsQuery(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	store := inventory.NewStore(db.App)
	schema, err := graph.NewSchema(graph.Deps{Auth: svc, Inventory: store})
	if err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(schema, graph.Config{Reference: referenceCheck(t)}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := auth.System(context.Background())
	now := time.Now()
	don, _, err := store.RecordDonation(ctx, inventory.NewDonation{ReceivedOn: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	list := "Type;Serial\nlaptop;A1\nlaptop;A2\n"
	rep, err := store.ImportAssetList(ctx, don.ID, "first.csv", []byte(list), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportAssetList(ctx, don.ID, "second.csv", []byte(list+"desktop;B1\n"), false); err != nil {
		t.Fatal(err)
	}
	donationID := base64.RawURLEncoding.EncodeToString([]byte("Donation:" + strconv.FormatInt(don.ID, 10)))

	query := func(ctx context.Context, q string) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": q})
		r := httptest.NewRequestWithContext(ctx, "POST", "/graphql", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusOK {
			t.Fatalf("got %d %s", w.Code, w.Body)
		}
		return out
	}
	out := query(ctx, `{ imports(donationID: "`+donationID+`") { id filename format rows created skipped importedAt errors { line column message } } }`)
	got, _ := json.Marshal(out["data"])
	want := `{"imports":[` +
		`{"created":2,"errors":[],"filename":"first.csv","format":"CSV","id":"` + base64.RawURLEncoding.EncodeToString([]byte("Import:"+strconv.FormatInt(rep.ImportID, 10))) + `","importedAt":"X","rows":2,"skipped":0},` +
		`{"created":1,"errors":[],"filename":"second.csv","format":"CSV","id":"X","importedAt":"X","rows":3,"skipped":2}]}`
	// Times and the second id vary: compare with them blanked.
	var data struct {
		Imports []map[string]any `json:"imports"`
	}
	json.Unmarshal(got, &data)
	for i, imp := range data.Imports {
		if _, err := time.Parse(time.RFC3339Nano, imp["importedAt"].(string)); err != nil {
			t.Errorf("importedAt: %v", err)
		}
		imp["importedAt"] = "X"
		if i == 1 {
			imp["id"] = "X"
		}
	}
	if blanked, _ := json.Marshal(data); string(blanked) != want {
		t.Errorf("imports:\ngot  %s\nwant %s", blanked, want)
	}

	out = query(ctx, `{ imports(donationID: "`+base64.RawURLEncoding.EncodeToString([]byte("User:1"))+`") { id } }`)
	if errs, _ := out["errors"].([]any); len(errs) != 1 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "not of a Donation") {
		t.Errorf("a user id: got %v, want an error saying it is not a donation's id", out)
	}
	trainee := auth.WithActor(context.Background(), auth.Actor{UserID: 1, Role: auth.RoleTrainee})
	out = query(trainee, `{ imports(donationID: "`+donationID+`") { id } }`)
	if errs, _ := out["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
		t.Errorf("a trainee: got %v, want FORBIDDEN", out)
	}
}
