package server_test

import (
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
	wt "github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// The outcomes of the authorisation matrix.
const (
	allow  = "allow"           // data, no error
	scoped = "scoped"          // data, no error, and nothing of side B's of the role's kind
	null   = "null"            // the field is null, no error: nothing to see
	unauth = "UNAUTHENTICATED" // sign in
	forbid = "FORBIDDEN"       // the role may not
	nf     = "NOT_FOUND"       // not for this user: as if it did not exist
)

// azArg says what an ID argument (or an ID field of an input) names: an object of a party's
// kind, which another party must never reach, or a person named as a colleague (a repair's
// workers, a session's supervisor), whom anyone who may call the field may name.
type azArg struct {
	kind   azKind
	person bool
	// own: for a party role the field acts on their own object whatever is given (a social
	// worker's request is filed under their organisation, whatever partnerID says).
	own bool
}

// azOp is one row of the matrix: how to call a root field with minimal valid arguments on a
// side's objects, and what each role (azRoles' order) gets.
type azOp struct {
	// call returns the operation and its variables on side s's objects, as role: mutations that
	// use an object up get a fresh one for each call.
	call func(w *azWorld, s *azSide, role string) (string, map[string]any)
	want [6]string
	// ids says what each ID argument names, by its path in the field's arguments
	// (input.traineeID); and what arguments of other types name, where they name a party's
	// object (a tag, a donation's number), so that another party's is tried too.
	ids map[string]azArg
}

// Shorthands for the rows: whom the office alone may serve, and so on.
var (
	officeOnly   = [6]string{unauth, allow, allow, forbid, forbid, forbid}
	adminOnly    = [6]string{unauth, allow, forbid, forbid, forbid, forbid}
	workshopOnly = [6]string{unauth, allow, allow, allow, forbid, forbid}
)

func v(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// azQueries are the rows of the Query fields, by name; a field may have more rows, named
// "field (what)", for calls with other arguments.
var azQueries = map[string]azOp{
	"device": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($t: String!) { device(tag: $t) { tag serialNumber model } }`, v("t", s.device.Tag)
	}, [6]string{unauth, allow, allow, allow, allow, forbid}, map[string]azArg{"tag": {kind: kindDonor}}},
	"deviceRequests": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ deviceRequests(first: 500) { totalCount nodes { reference partner { name } } } }`, nil
	}, [6]string{unauth, allow, allow, forbid, forbid, scoped}, nil},
	"devices": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($d: ID) { devices(first: 500, filter: {donationID: $d}) { totalCount nodes { tag serialNumber model notes donation { donor { name } } } } }`,
			v("d", azID("Donation", s.donation.ID))
	}, [6]string{unauth, allow, allow, allow, scoped, forbid}, map[string]azArg{"filter.donationID": {kind: kindDonor}}},
	"devices (all)": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ devices(first: 500) { totalCount nodes { tag serialNumber model notes donation { donor { name } } } } }`, nil
	}, [6]string{unauth, allow, allow, allow, scoped, forbid}, nil},
	"donation": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($id: ID!) { donation(id: $id) { number donor { name } devices { nodes { serialNumber } } } }`, v("id", azID("Donation", s.donation.ID))
	}, [6]string{unauth, allow, allow, allow, allow, forbid}, map[string]azArg{"id": {kind: kindDonor}}},
	"donationByNumber": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($n: String!) { donationByNumber(number: $n) { number donor { name } devices { nodes { serialNumber } } } }`, v("n", s.donation.Number)
	}, [6]string{unauth, allow, allow, allow, allow, forbid}, map[string]azArg{"number": {kind: kindDonor}}},
	"donors": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ donors(first: 500) { nodes { name } } }`, nil
	}, officeOnly, nil},
	"hourEntries": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($id: ID) { hourEntries(first: 200, traineeID: $id) { totalCount nodes { note trainee { name } } } }`, v("id", azID("Trainee", s.trainee.ID))
	}, [6]string{unauth, allow, allow, allow, forbid, forbid}, map[string]azArg{"traineeID": {kind: kindTrainee}}},
	"hourEntries (all)": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ hourEntries(first: 200) { totalCount nodes { note trainee { name } } } }`, nil
	}, [6]string{unauth, allow, allow, scoped, forbid, forbid}, nil},
	"hoursReport": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		return `query($f: Date!, $t: Date!, $p: ID) { hoursReport(from: $f, to: $t, programmeID: $p) { totalMinutes rows { traineeName } } }`,
			v("f", day(wt.Today().AddDate(0, -2, 0)), "t", day(wt.Today()), "p", azID("Programme", w.programme.ID))
	}, officeOnly, map[string]azArg{"programmeID": {kind: kindShared}}},
	"followUpsToAnswer": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ followUpsToAnswer { reference partner { name } } }`, nil
	}, [6]string{unauth, allow, allow, forbid, forbid, scoped}, nil},
	"impact": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `query($f: Date!, $t: Date!) { impact(from: $f, to: $t) { devicesReceived devicesHandedOut } }`,
			v("f", day(wt.Today().AddDate(-1, 0, 0)), "t", day(wt.Today()))
	}, officeOnly, nil},
	"hoursReviewQueue": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ hoursReviewQueue { weekStart entries { note } } }`, nil
	}, officeOnly, nil},
	"imports": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($id: ID!) { imports(donationID: $id) { filename } }`, v("id", azID("Donation", s.donation.ID))
	}, officeOnly, map[string]azArg{"donationID": {kind: kindDonor}}},
	"me": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ me { email role } }`, nil
	}, [6]string{null, allow, allow, allow, allow, allow}, nil},
	"myTrainee": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ myTrainee { name } }`, nil
	}, [6]string{null, null, null, allow, null, null}, nil},
	"myTrainee (certificates)": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ myTrainee { name certificates { number periodFrom periodTo pdfURL current } } }`, nil
	}, [6]string{null, null, null, allow, null, null}, nil},
	"node": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($id: ID!) { node(id: $id) { ... on Device { tag serialNumber } } }`, v("id", azID("Device", s.device.ID))
	}, [6]string{unauth, allow, allow, allow, allow, forbid}, map[string]azArg{"id": {kind: kindDonor}}},
	"node (a trainee's certificates)": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($id: ID!) { node(id: $id) { ... on Trainee { name certificates { number pdfURL } } } }`, v("id", azID("Trainee", s.trainee.ID))
	}, [6]string{unauth, allow, allow, allow, forbid, forbid}, map[string]azArg{"id": {kind: kindTrainee}}},
	"organisation": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ organisation { name } }`, nil
	}, [6]string{allow, allow, allow, allow, allow, allow}, nil},
	"partnerOrganisations": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ partnerOrganisations { name } }`, nil
	}, [6]string{unauth, allow, allow, forbid, forbid, scoped}, nil},
	"programmes": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ programmes { name } }`, nil
	}, officeOnly, nil},
	"qaTemplate": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ qaTemplate(kind: LAPTOP) { key } }`, nil
	}, workshopOnly, nil},
	"requestPolicy": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ requestPolicy { maxOpenPerSocialWorker } }`, nil
	}, [6]string{unauth, allow, allow, forbid, forbid, allow}, nil},
	"requestQueue": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ requestQueue { reference } }`, nil
	}, officeOnly, nil},
	"skills": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ skills { key } }`, nil
	}, workshopOnly, nil},
	"statusCounts": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ statusCounts { status count } }`, nil
	}, [6]string{unauth, allow, allow, allow, scoped, forbid}, nil},
	"trainees": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ trainees(first: 200) { nodes { name certificates { number } } } }`, nil
	}, [6]string{unauth, allow, allow, scoped, forbid, forbid}, nil},
	"users": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `{ users { email } }`, nil
	}, adminOnly, nil},
	"verifyCertificate": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `query($n: String!, $t: String!) { verifyCertificate(number: $n, token: $t) { status donorName } }`,
			v("n", s.certificate.Number, "t", s.certificate.Token)
	}, [6]string{allow, allow, allow, allow, allow, allow}, nil},
	"workshopSessions": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `query($d: Date!) { workshopSessions(from: $d, to: $d) { topic } }`, v("d", day(wt.Today().AddDate(0, 0, -1)))
	}, officeOnly, nil},
}

// azMutations are the rows of the Mutation fields. Each call changes a fresh object where a
// second call on the same one would fail for another reason than the role.
var azMutations = map[string]azOp{
	"addDeviceNote": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { addDeviceNote(id: $id, note: "scratch") { serialNumber } }`, v("id", azID("Device", s.device.ID))
	}, workshopOnly, map[string]azArg{"id": {kind: kindDonor}}},
	"addDevices": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!, $d: [NewDeviceInput!]!) { addDevices(donationID: $id, devices: $d) { tag } }`,
			v("id", azID("Donation", s.donation.ID), "d", []map[string]any{{"kind": "MONITOR", "serialNumber": fmt.Sprintf("ADD-%d", w.n())}})
	}, officeOnly, map[string]azArg{"donationID": {kind: kindDonor}}},
	"addStorage": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		d := w.device(s, inventory.KindDesktop)
		return `mutation($id: ID!, $sn: String) { addStorage(deviceID: $id, input: {kind: HDD, serialNumber: $sn}) { serialNumber } }`,
			v("id", azID("Device", d.ID), "sn", fmt.Sprintf("HDD-%d", w.n()))
	}, workshopOnly, map[string]azArg{"deviceID": {kind: kindDonor}}},
	"allocateDevice": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		d := w.ready()
		return `mutation($r: ID!, $d: ID!, $v: Int!) { allocateDevice(requestID: $r, deviceID: $d, version: $v) { reference } }`,
			v("r", azID("DeviceRequest", w.approved(s).ID), "d", azID("Device", d.ID), "v", d.Version)
	}, officeOnly, map[string]azArg{"requestID": {kind: kindRequest}, "deviceID": {kind: kindShared}}},
	"answerFollowUp": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($r: ID!) { answerFollowUp(requestID: $r, input: {inUse: YES, problem: NONE, uses: []}) { answeredAt } }`,
			v("r", azID("DeviceRequest", w.handedOutWithFollowUp(s).ID))
	}, [6]string{unauth, allow, allow, forbid, forbid, allow}, map[string]azArg{"requestID": {kind: kindRequest}}},
	"approveHoursWeek": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		h := w.hours(s)
		return `mutation($id: ID!, $d: Date!) { approveHoursWeek(traineeID: $id, weekOf: $d) { note } }`, v("id", azID("Trainee", s.trainee.ID), "d", day(h.Date))
	}, officeOnly, map[string]azArg{"traineeID": {kind: kindTrainee}}},
	"assessSkill": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($t: ID!, $s: ID!) { assessSkill(input: {traineeID: $t, skillID: $s, level: OBSERVED}) { level } }`,
			v("t", azID("Trainee", s.trainee.ID), "s", azID("Skill", w.skills[0].ID))
	}, officeOnly, map[string]azArg{"input.traineeID": {kind: kindTrainee}, "input.skillID": {kind: kindShared}, "input.evidence.id": {kind: kindDonor}}},
	"cancelDeviceRequest": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { cancelDeviceRequest(id: $id) { reference status } }`, v("id", azID("DeviceRequest", w.request(s).ID))
	}, [6]string{unauth, allow, allow, forbid, forbid, allow}, map[string]azArg{"id": {kind: kindRequest}}},
	"clearDeviceFlag": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		d := w.device(s, inventory.KindMonitor)
		d, err := w.inv.SetFlag(w.staff, d.ID, d.Version, inventory.FlagNeedsPart, "power button")
		if err != nil {
			w.t.Fatal(err)
		}
		return `mutation($id: ID!, $v: Int!) { clearDeviceFlag(id: $id, version: $v, flag: NEEDS_PART) { serialNumber } }`, v("id", azID("Device", d.ID), "v", d.Version)
	}, workshopOnly, map[string]azArg{"id": {kind: kindDonor}}},
	"createAPIToken": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `mutation { createAPIToken(name: "script") { token } }`, nil
	}, [6]string{unauth, allow, allow, allow, allow, allow}, nil},
	"createDonor": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		return `mutation($n: String!) { createDonor(name: $n, kind: COMPANY) { name } }`, v("n", fmt.Sprintf("New donor %d", w.n()))
	}, officeOnly, nil},
	"createPartnerOrganisation": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		return `mutation($n: String!) { createPartnerOrganisation(name: $n, kind: NGO) { name } }`, v("n", fmt.Sprintf("New partner %d", w.n()))
	}, adminOnly, nil},
	"createProgramme": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		return `mutation($n: String!, $tutor: ID!) { createProgramme(input: {name: $n, funder: "FSE+", targetMinutes: 60000,
			weeklyCapMinutes: 1920, startsOn: "2026-01-01", endsOn: "2026-06-30", tutorID: $tutor}) { name } }`,
			v("n", fmt.Sprintf("Programme %d", w.n()), "tutor", azID("User", w.staffUser.ID))
	}, officeOnly, map[string]azArg{"input.tutorID": {person: true}}},
	"createSkill": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		return `mutation($k: String!) { createSkill(input: {key: $k, nameFr: "Soudure", nameDe: "Löten", nameEn: "Soldering"}) { key } }`,
			v("k", fmt.Sprintf("soldering_%d", w.n()))
	}, adminOnly, nil},
	"createTrainee": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		return `mutation { createTrainee(input: {name: "New Trainee", targetMinutes: 6000}) { name } }`, nil
	}, officeOnly, nil},
	"createUser": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($e: String!, $d: ID) { createUser(email: $e, name: "New", role: DONOR, password: "correct horse battery", donorID: $d) { email } }`,
			v("e", fmt.Sprintf("new%d@example.org", w.n()), "d", azID("Donor", s.donor.ID))
	}, adminOnly, map[string]azArg{"donorID": {kind: kindDonor}, "traineeID": {kind: kindTrainee}}},
	"createWorkshopSession": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		return `mutation($d: Date!, $s: ID!) { createWorkshopSession(input: {date: $d, startTime: "09:00", endTime: "12:00",
			topic: "Thermal paste", supervisorID: $s, capacity: 8}) { topic } }`, v("d", day(wt.Today()), "s", azID("User", w.staffUser.ID))
	}, officeOnly, map[string]azArg{"input.supervisorID": {person: true}, "input.programmeID": {kind: kindShared}}},
	"decideDeviceRequest": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { decideDeviceRequest(id: $id, decision: APPROVE) { reference } }`, v("id", azID("DeviceRequest", w.request(s).ID))
	}, officeOnly, map[string]azArg{"id": {kind: kindRequest}}},
	"enrolTrainee": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($t: ID!, $p: ID!) { enrolTrainee(input: {traineeID: $t, programmeID: $p}) { startsOn } }`,
			v("t", azID("Trainee", w.freshTrainee(s).ID), "p", azID("Programme", w.programme.ID))
	}, officeOnly, map[string]azArg{"input.traineeID": {kind: kindTrainee}, "input.programmeID": {kind: kindShared}, "input.tutorID": {person: true}}},
	"handOutDevice": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($r: ID!, $s: String!) { handOutDevice(requestID: $r, signature: $s) { reference } }`,
			v("r", azID("DeviceRequest", w.allocated(s).ID), "s", rt.Signature())
	}, officeOnly, map[string]azArg{"requestID": {kind: kindRequest}}},
	"importWipeReports": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		_, d := w.donation(s)
		m := it.Media(w.t, w.inv, w.staff, d.ID)[0]
		return `mutation($f: [WipeReportFileInput!]!, $d: [WipeReportDecisionInput!]) { importWipeReports(files: $f, decisions: $d) { recorded files { filename } } }`,
			v("f", []map[string]any{{"filename": "blancco.xml", "content": base64.StdEncoding.EncodeToString(w.blancco(w.t, m))}},
				"d", []map[string]any{{"key": "none", "mediumID": azID("StorageMedium", m.ID), "deviceTag": d.Tag}})
	}, workshopOnly, map[string]azArg{"decisions.mediumID": {kind: kindDonor}, "decisions.deviceTag": {kind: kindDonor}}},
	"issueImpactReport": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `mutation($y: Int!) { issueImpactReport(year: $y, language: "en") { number } }`, v("y", wt.Today().Year())
	}, officeOnly, nil},
	"issueCertificate": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { issueCertificate(subjectID: $id, kind: DONATION, language: "en") { number } }`, v("id", azID("Donation", s.donation.ID))
	}, officeOnly, map[string]azArg{"subjectID": {kind: kindDonor}}},
	"logHours": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!, $d: Date!, $dev: [ID!]) { logHours(input: {traineeID: $id, date: $d, minutes: 5, activity: "repair", deviceIDs: $dev}) { note } }`,
			v("id", azID("Trainee", s.trainee.ID), "d", day(wt.Today().AddDate(0, 0, -1)), "dev", []string{azID("Device", s.device.ID)})
	}, [6]string{unauth, allow, allow, allow, forbid, forbid}, map[string]azArg{"input.traineeID": {kind: kindTrainee}, "input.deviceIDs": {kind: kindShared}}},
	"markAttendance": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		t := w.freshTrainee(s)
		wt.Enrol(w.t, w.ws, w.staff, t.ID, w.programme.ID)
		return `mutation($s: ID!, $t: ID!) { markAttendance(sessionID: $s, traineeID: $t) { via } }`,
			v("s", azID("WorkshopSession", w.session.ID), "t", azID("Trainee", t.ID))
	}, officeOnly, map[string]azArg{"sessionID": {kind: kindShared}, "traineeID": {kind: kindTrainee}}},
	"proposeHoursFromWork": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { proposeHoursFromWork(traineeID: $id) { note } }`, v("id", azID("Trainee", s.trainee.ID))
	}, [6]string{unauth, allow, allow, allow, forbid, forbid}, map[string]azArg{"traineeID": {kind: kindTrainee}}},
	"recordDonation": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($d: ID) { recordDonation(input: {donorID: $d, receivedOn: "2026-01-05", devices: [{kind: MONITOR}]}) { number } }`,
			v("d", azID("Donor", s.donor.ID))
	}, officeOnly, map[string]azArg{"input.donorID": {kind: kindDonor}}},
	"recordQACheck": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		d := w.device(s, inventory.KindMonitor)
		tpl, err := w.inv.QATemplate(w.staff, inventory.KindMonitor)
		if err != nil {
			w.t.Fatal(err)
		}
		var items []map[string]any
		for _, i := range tpl {
			items = append(items, map[string]any{"key": i.Key, "passed": true})
		}
		return `mutation($id: ID!, $items: [QAItemInput!]!) { recordQACheck(input: {deviceID: $id, items: $items}) { passed } }`,
			v("id", azID("Device", d.ID), "items", items)
	}, workshopOnly, map[string]azArg{"input.deviceID": {kind: kindDonor}, "input.verifiedBy": {person: true}}},
	"recordRepair": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { recordRepair(input: {deviceID: $id, description: "cleaned", minutes: 5, outcome: FIXED}) { outcome } }`,
			v("id", azID("Device", s.device.ID))
	}, workshopOnly, map[string]azArg{"input.deviceID": {kind: kindDonor}, "input.workerIDs": {person: true}}},
	"recordWipe": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { recordWipe(input: {mediumID: $id, method: PURGE, technique: "NVMe Format", tool: "nvme-cli", result: PASSED}) { result } }`,
			v("id", azID("StorageMedium", s.medium.ID))
	}, workshopOnly, map[string]azArg{"input.mediumID": {kind: kindDonor}, "input.verifierID": {person: true}}},
	"releaseDevice": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($r: ID!) { releaseDevice(requestID: $r) { reference } }`, v("r", azID("DeviceRequest", w.allocated(s).ID))
	}, officeOnly, map[string]azArg{"requestID": {kind: kindRequest}}},
	"renewTraineeBadge": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { renewTraineeBadge(traineeID: $id) { name } }`, v("id", azID("Trainee", s.trainee.ID))
	}, officeOnly, map[string]azArg{"traineeID": {kind: kindTrainee}}},
	"reserveTags": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `mutation { reserveTags(count: 2) }`, nil
	}, officeOnly, nil},
	"reviewHours": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { reviewHours(ids: [$id], approve: true) { note } }`, v("id", azID("HourEntry", w.hours(s).ID))
	}, officeOnly, map[string]azArg{"ids": {kind: kindTrainee}}},
	"revokeAPIToken": {func(w *azWorld, s *azSide, role string) (string, map[string]any) {
		// Side A: a token of the caller's own; side B: a token of side B's user of the same role.
		u := map[string]*auth.User{"admin": w.adminUser, "staff": w.staffUser, "trainee": s.traineeUser, "donor": s.donorUser, "social": s.workerUser}[role]
		if u == nil {
			u = w.staffUser
		}
		_, tok, err := w.srv.Auth.CreateToken(auth.System(w.t.Context()), u.Email, "to revoke")
		if err != nil {
			w.t.Fatal(err)
		}
		return `mutation($id: ID!) { revokeAPIToken(id: $id) }`, v("id", azID("APIToken", tok.ID))
	}, [6]string{unauth, allow, allow, allow, allow, allow}, map[string]azArg{"id": {kind: kindUser}}},
	"setDeviceFlag": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		d := w.device(s, inventory.KindMonitor)
		return `mutation($id: ID!, $v: Int!) { setDeviceFlag(id: $id, version: $v, flag: NEEDS_PART, note: "x") { serialNumber } }`,
			v("id", azID("Device", d.ID), "v", d.Version)
	}, workshopOnly, map[string]azArg{"id": {kind: kindDonor}}},
	"setOrganisation": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `mutation { setOrganisation(name: "Digital Inclusion asbl") { name } }`, nil
	}, adminOnly, nil},
	"setRequestPolicy": {func(*azWorld, *azSide, string) (string, map[string]any) {
		return `mutation { setRequestPolicy(maxOpenPerSocialWorker: 50, openKinds: [LAPTOP, DESKTOP, TABLET], retentionDays: 365) { maxOpenPerSocialWorker } }`, nil
	}, adminOnly, nil},
	"setTraineePIN": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!) { setTraineePIN(traineeID: $id, pin: "2580") }`, v("id", azID("Trainee", s.trainee.ID))
	}, [6]string{unauth, allow, allow, allow, forbid, forbid}, map[string]azArg{"traineeID": {kind: kindTrainee}}},
	"setUserDisabled": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		u := w.srv.User(fmt.Sprintf("disable%d@example.org", w.n()), auth.RoleStaff, nil)
		return `mutation($id: ID!) { setUserDisabled(id: $id, disabled: true) { email } }`, v("id", azID("User", u.ID))
	}, adminOnly, map[string]azArg{"id": {kind: kindUser}}},
	"submitDeviceRequest": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($r: String!, $p: ID) { submitDeviceRequest(input: {reference: $r, kind: LAPTOP, purpose: OTHER, partnerID: $p}) { reference partner { name } } }`,
			v("r", fmt.Sprintf("REF-NEW-%d", w.n()), "p", azID("PartnerOrganisation", s.partner.ID))
	}, [6]string{unauth, allow, allow, forbid, forbid, allow}, map[string]azArg{"input.partnerID": {kind: kindRequest, own: true}}},
	"transitionDevice": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		d := w.device(s, inventory.KindMonitor) // no storage: RECEIVED → WIPED needs no wipe
		return `mutation($id: ID!, $v: Int!) { transitionDevice(id: $id, version: $v, to: WIPED) { status } }`, v("id", azID("Device", d.ID), "v", d.Version)
	}, workshopOnly, map[string]azArg{"id": {kind: kindDonor}}},
	"updateDevice": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		d := it.Reload(w.t, w.inv, w.staff, s.device.ID)
		return `mutation($id: ID!, $v: Int!) { updateDevice(id: $id, version: $v, input: {location: "B-2"}) { serialNumber } }`,
			v("id", azID("Device", d.ID), "v", d.Version)
	}, workshopOnly, map[string]azArg{"id": {kind: kindDonor}}},
	"updateSkill": {func(w *azWorld, _ *azSide, _ string) (string, map[string]any) {
		sk := w.skills[len(w.skills)-1]
		return `mutation($id: ID!, $k: String!) { updateSkill(id: $id, input: {key: $k, nameFr: "A", nameDe: "B", nameEn: "C"}) { key } }`,
			v("id", azID("Skill", sk.ID), "k", sk.Key)
	}, adminOnly, map[string]azArg{"id": {kind: kindShared}}},
	"updateTrainee": {func(w *azWorld, s *azSide, _ string) (string, map[string]any) {
		return `mutation($id: ID!, $n: String!) { updateTrainee(id: $id, input: {name: $n, languages: ["fr"]}) { name } }`,
			v("id", azID("Trainee", s.trainee.ID), "n", s.trainee.Name)
	}, officeOnly, map[string]azArg{"id": {kind: kindTrainee}}},
}

// hiddenKinds are the kinds of side B's objects that each party role of side A must never see:
// donors and social workers see only their own, trainees the inventory (they work on every
// device) and their own records.
var hiddenKinds = map[string][]azKind{
	"donor":   {kindDonor, kindRequest, kindTrainee, kindUser},
	"social":  {kindDonor, kindRequest, kindTrainee, kindUser},
	"trainee": {kindRequest, kindTrainee, kindUser},
}

func hides(role string, k azKind) bool { return slices.Contains(hiddenKinds[role], k) }

// azNode says whose the objects of a type that implements Node are, and which object of a side
// node(id:) is asked for.
type azNode struct {
	kind  azKind
	owner string // the role column of the party whose objects they are, "" for none
	id    func(w *azWorld, s *azSide) string
	// neverLoaded: node(id:) returns null for the type's ids (it has no loader).
	neverLoaded bool
}

// azNodes has a row for every type that implements Node.
var azNodes = map[string]azNode{
	"Certificate":         {kindDonor, "donor", func(w *azWorld, s *azSide) string { return azID("Certificate", s.certificate.ID) }, true},
	"Device":              {kindDonor, "donor", func(w *azWorld, s *azSide) string { return azID("Device", s.device.ID) }, false},
	"DeviceRequest":       {kindRequest, "social", func(w *azWorld, s *azSide) string { return azID("DeviceRequest", s.request.ID) }, false},
	"Donation":            {kindDonor, "donor", func(w *azWorld, s *azSide) string { return azID("Donation", s.donation.ID) }, false},
	"Donor":               {kindDonor, "donor", func(w *azWorld, s *azSide) string { return azID("Donor", s.donor.ID) }, false},
	"HourEntry":           {kindTrainee, "trainee", func(w *azWorld, s *azSide) string { return azID("HourEntry", s.hours.ID) }, false},
	"PartnerOrganisation": {kindRequest, "social", func(w *azWorld, s *azSide) string { return azID("PartnerOrganisation", s.partner.ID) }, false},
	"Programme":           {kindShared, "", func(w *azWorld, s *azSide) string { return azID("Programme", w.programme.ID) }, false},
	"StorageMedium":       {kindDonor, "donor", func(w *azWorld, s *azSide) string { return azID("StorageMedium", s.medium.ID) }, false},
	"Trainee":             {kindTrainee, "trainee", func(w *azWorld, s *azSide) string { return azID("Trainee", s.trainee.ID) }, false},
	"User":                {kindUser, "social", func(w *azWorld, s *azSide) string { return azID("User", s.workerUser.ID) }, false},
	"WipeRecord":          {kindDonor, "donor", func(w *azWorld, s *azSide) string { return azID("WipeRecord", s.wipe.ID) }, false},
	"WorkshopSession":     {kindShared, "", func(w *azWorld, s *azSide) string { return azID("WorkshopSession", w.session.ID) }, false},
}
