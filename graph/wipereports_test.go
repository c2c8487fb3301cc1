package graph_test

import (
	"encoding/base64"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory/wipereport/wipereporttest"
)

const importReports = `mutation($files: [WipeReportFileInput!]!, $decisions: [WipeReportDecisionInput!], $dry: Boolean) {
	importWipeReports(files: $files, decisions: $decisions, dryRun: $dry) {
		dryRun recorded skipped undecided unread
		files { filename sha256 error erasures { key serial method verification result outcome deviceTag wipeRecordID candidates { mediumID deviceTag } } } } }`

type reportImport struct {
	ImportWipeReports struct {
		DryRun                               bool
		Recorded, Skipped, Undecided, Unread int
		Files                                []struct {
			Filename, SHA256 string
			Error            *string
			Erasures         []struct {
				Key, Serial, Method, Verification, Result, Outcome string
				DeviceTag                                          *string
				WipeRecordID                                       *string
				Candidates                                         []struct{ MediumID, DeviceTag string }
			}
		}
	}
}

func TestImportWipeReportsMutation(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	trainee := e.as(auth.RoleTrainee)
	d := e.intake(staff, nil, laptop("GQL-1", "WD-WX41A12B3456"), laptop("GQL-2", "AB 12"), laptop("GQL-3", "AB12")).Devices.Nodes
	one, two := wipereporttest.Erased("WD-WX41A12B3456"), wipereporttest.Erased("ab12")
	files := []map[string]any{
		{"filename": one.Filename(), "content": base64.StdEncoding.EncodeToString(one.PDF(t))},
		{"filename": two.Filename(), "content": base64.StdEncoding.EncodeToString(two.PDF(t))},
	}
	var dry reportImport
	e.ok(trainee, importReports, map[string]any{"files": files, "dry": true}, &dry)
	r := dry.ImportWipeReports
	if !r.DryRun || r.Recorded != 1 || r.Undecided != 1 || r.Files[0].Erasures[0].Outcome != "RECORD" || r.Files[0].Erasures[0].Method != "CLEAR" {
		t.Fatalf("dry run: %+v", r)
	}
	amb := r.Files[1].Erasures[0]
	if amb.Outcome != "AMBIGUOUS" || len(amb.Candidates) != 2 {
		t.Fatalf("second report: %+v, want AMBIGUOUS with two candidates", amb)
	}
	var done reportImport
	e.ok(trainee, importReports, map[string]any{"files": files, "decisions": []map[string]any{{"key": amb.Key, "mediumID": amb.Candidates[0].MediumID}}}, &done)
	if r := done.ImportWipeReports; r.Recorded != 2 || r.Files[1].Erasures[0].DeviceTag == nil || *r.Files[1].Erasures[0].DeviceTag != d[1].Tag {
		t.Fatalf("import: %+v", r)
	}
	// The record names its report.
	var out struct {
		Node struct {
			Report *struct{ Filename, SHA256, URL string }
		}
	}
	e.ok(staff, `query($id: ID!) { node(id: $id) { ... on WipeRecord { report { filename sha256 url } } } }`,
		map[string]any{"id": *done.ImportWipeReports.Files[0].Erasures[0].WipeRecordID}, &out)
	sha := done.ImportWipeReports.Files[0].SHA256
	if out.Node.Report == nil || out.Node.Report.SHA256 != sha || out.Node.Report.URL != publicURL+"/wipe-reports/"+sha || out.Node.Report.Filename != one.Filename() {
		t.Errorf("report of the record: %+v", out.Node.Report)
	}
	if dev := e.device(staff, d[0].Tag); dev.Status != "WIPED" {
		t.Errorf("device %s after its report, want WIPED", dev.Status)
	}
	e.fails(e.as(auth.RoleDonor), importReports, map[string]any{"files": files}, "FORBIDDEN")
	e.fails(staff, importReports, map[string]any{"files": []map[string]any{{"filename": "x.pdf", "content": "%%%"}}}, "BAD_USER_INPUT")
}
