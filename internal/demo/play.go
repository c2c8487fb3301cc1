package demo

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// Playing a device's planned life (life.go): each step at its time, recorded as the
// application records it, with the checks the lifecycle trigger makes; then the notes and edits
// that bring the events to the requested average.

// run gives the planned steps their times and plays them. Gaps are squeezed when the device
// arrived too recently for them; otherwise steps fall in the workshop's opening hours.
func (l *life) run() error {
	var total time.Duration
	for _, s := range l.steps {
		total += s.gap
	}
	deadline := l.g.now.Add(-time.Hour)
	budget := deadline.Sub(l.d.receivedAt)
	scale, snap := 1.0, budget-total > 4*24*time.Hour
	if total > budget {
		scale = float64(budget) / float64(total)
	}
	t := l.d.receivedAt
	last := t
	for _, s := range l.steps {
		t = t.Add(time.Duration(float64(s.gap) * scale)).Truncate(time.Second)
		at := t
		if snap {
			if w := l.g.workHours(t); !w.After(deadline) {
				at = w
				t = w
			}
		}
		if !at.After(last) {
			at = last.Add(time.Second)
		}
		last = at
		var err error
		switch s.op {
		case opWipe:
			err = l.doWipe(s, at)
		case opStatus:
			err = l.doStatus(s.to, s.note, at, 0)
		case opRepair:
			err = l.doRepair(s, at)
		case opQA:
			err = l.doQA(s.passed, at)
		case opFlag:
			l.setFlag(s.flag, s.note, l.worker(), at)
		}
		if err != nil {
			return err
		}
		if n := len(l.events); n > 0 && l.events[n-1].at.After(last) {
			last = l.events[n-1].at
		}
	}
	return nil
}

// workHours moves t into the workshop's opening hours (Monday to Friday, 8:30 to 17:30,
// Luxembourg time), keeping some spread within the day.
func (g *generator) workHours(t time.Time) time.Time {
	lt := t.In(g.loc)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, g.loc)
	minute := lt.Hour()*60 + lt.Minute()
	switch {
	case minute < 8*60+30:
		minute = 8*60 + 30 + minute%240
	case minute >= 17*60+30:
		day = day.AddDate(0, 0, 1)
		minute = 8*60 + 30 + minute%240
	}
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	return day.Add(time.Duration(minute)*time.Minute + time.Duration(lt.Second())*time.Second)
}

func (l *life) staff() int64   { return oneOf(l.r, l.g.staff) }
func (l *life) trainee() int64 { return oneOf(l.r, l.g.trainees) }

// worker is who does bench work: a trainee more often than not.
func (l *life) worker() int64 {
	if l.r.IntN(10) < 6 {
		return l.trainee()
	}
	return l.staff()
}

func (l *life) event(at time.Time, kind string, from, to inventory.Status, actor int64, note string, detail []byte) {
	if detail == nil {
		detail = emptyJSON
	}
	l.events = append(l.events, eventRow{deviceID: l.d.id, at: at, kind: kind, from: from, to: to, actor: actor, note: note, detail: detail})
}

// doStatus moves the device, checking what the lifecycle trigger checks.
func (l *life) doStatus(to inventory.Status, note string, at time.Time, actor int64) error {
	from := l.status
	if !inventory.CanTransition(from, to) {
		return fmt.Errorf("%s -> %s is not an allowed move", from, to)
	}
	if inventory.NeedsWipe(to) && slices.Contains(l.passed, false) {
		return fmt.Errorf("%s -> %s with media not sanitized", from, to)
	}
	if to == inventory.StatusReady {
		if !l.qaPassed[l.d.cycle] {
			return fmt.Errorf("%s -> ready without a passed QA check", from)
		}
		for f := range l.open {
			if f.Blocking() {
				return fmt.Errorf("%s -> ready with the %s flag open", from, f)
			}
		}
		if len(l.m.os) > 0 {
			l.d.os = oneOf(l.r, l.m.os)
		}
	}
	if actor == 0 {
		if inventory.MayMove(auth.Actor{Role: auth.RoleTrainee}, to) && l.r.IntN(2) == 0 {
			actor = l.trainee()
		} else {
			actor = l.staff()
		}
	}
	l.status = to
	switch to {
	case inventory.StatusReserved:
		l.holds = append(l.holds, hold{cycle: l.d.cycle, reservedAt: at, staff: actor})
	case inventory.StatusHandedOut:
		l.holds[len(l.holds)-1].handedAt = at
	}
	if to == inventory.StatusReceived {
		// A new cycle: earlier wipes and checks no longer count.
		l.d.cycle++
		for i := range l.passed {
			l.passed[i] = false
		}
	}
	l.event(at, "status", from, to, actor, note, nil)
	return nil
}

var (
	nwipeTools = []string{"nwipe 0.35", "nwipe 0.36", "ShredOS 2024.02.2 (nwipe 0.37)", "nwipe 0.38"}
	rev2       = time.Date(2025, 9, 26, 0, 0, 0, 0, time.UTC) // NIST SP 800-88 Rev. 2 replaced Rev. 1
)

// doWipe records a sanitization of one medium, as RecordWipe does: the wipe event, the
// wipe_failed flag on a failure, and when every medium has passed the flag cleared and a
// received device moved to wiped.
func (l *life) doWipe(s step, at time.Time) error {
	if slices.Contains([]inventory.Status{"reserved", "handed_out", "recycled", "dismantled", "lost"}, l.status) {
		return fmt.Errorf("a wipe on a %s device", l.status)
	}
	r := l.r
	m := &l.media[s.medium]
	w := wipeRow{id: l.g.next.wipe, mediumID: m.id, cycle: l.d.cycle, finishedAt: at, result: inventory.ResultPassed,
		operator: l.worker(), verification: "none", destination: s.purpose}
	l.g.next.wipe++
	if r.IntN(10) < 4 {
		if w.verifier = l.staff(); w.verifier == w.operator {
			w.verifier = 0
		}
	}
	w.standard = "NIST SP 800-88 Rev. 1"
	if at.After(rev2) {
		w.standard = "NIST SP 800-88 Rev. 2"
	}
	if s.wipe == wipeDestroy {
		w.method = inventory.MethodDestroy
		w.dinLevel = "E-4"
		if m.kind == inventory.StorageHDD {
			w.dinLevel = "H-5"
		}
		w.technique = "shredded to DIN 66399 " + w.dinLevel + " particles"
		w.standard = "DIN 66399"
		w.contractor = "Schredder Service Lëtzebuerg S.à r.l."
		w.certificate = fmt.Sprintf("SSL-%d-%05d", at.Year(), r.IntN(100000))
		w.destination = "destruction"
		w.verifier = 0
	} else {
		var dur time.Duration
		switch m.kind {
		case inventory.StorageHDD:
			w.method, w.technique, w.tool = inventory.MethodClear, "1-pass zero overwrite, last pass verified", oneOf(r, nwipeTools)
			w.verification = oneOf(r, []string{"full", "sample"})
			dur = time.Duration(float64(m.capacity)*(8+4*r.Float64())) * time.Second
		case inventory.StorageSSD:
			if r.IntN(5) == 0 {
				w.method, w.technique, w.tool = inventory.MethodClear, "1-pass zero overwrite", oneOf(r, nwipeTools)
				dur = time.Duration(float64(m.capacity)*(2+r.Float64())) * time.Second
			} else {
				w.method, w.technique, w.tool = inventory.MethodPurge, oneOf(r, []string{"ATA Secure Erase (enhanced)", "ATA Sanitize, block erase"}), "hdparm 9.65"
				dur = time.Duration(60+r.IntN(540)) * time.Second
			}
			w.verification = "sample"
		case inventory.StorageNVMe:
			w.method, w.technique, w.tool = inventory.MethodPurge, oneOf(r, []string{"NVMe Format, secure erase setting 2 (crypto erase)", "NVMe Sanitize, block erase"}), oneOf(r, []string{"nvme-cli 2.8", "nvme-cli 2.9"})
			w.verification = "sample"
			dur = time.Duration(10+r.IntN(170)) * time.Second
		case inventory.StorageEMMC:
			w.method, w.technique, w.tool = inventory.MethodPurge, "eMMC sanitize", "mmc-utils 1.0"
			dur = time.Duration(30+r.IntN(300)) * time.Second
		default:
			w.method, w.tool = inventory.MethodPurge, "device settings"
			if l.d.make == "Apple" {
				w.technique = "Erase All Content and Settings (cryptographic erase)"
			} else {
				w.technique = "factory reset of the encrypted storage (cryptographic erase)"
			}
			w.verification = "sample"
			dur = time.Duration(300+r.IntN(900)) * time.Second
		}
		w.startedAt = at.Add(-dur)
		if strings.HasPrefix(w.tool, "nwipe") || strings.HasPrefix(w.tool, "ShredOS") {
			w.reportFilename = fmt.Sprintf("nwipe_report_%s_Model_%s_Serial_%s_device_sd%c.pdf",
				at.In(l.g.loc).Format("2006-01-02-15-04-05"), strings.ReplaceAll(m.model, " ", "_"), m.serial, 'a'+rune(s.medium))
			var sum [32]byte
			for i := range 4 {
				v := r.Uint64()
				for j := range 8 {
					sum[i*8+j] = byte(v >> (8 * j))
				}
			}
			w.reportSHA256 = hex.EncodeToString(sum[:])
		}
		if s.wipe == wipeFail {
			w.result = inventory.ResultFailed
			if m.kind == inventory.StorageHDD {
				w.warnings = fmt.Sprintf("%s sectors could not be written", strconv.Itoa(8+r.IntN(3000)))
			} else {
				w.warnings = "the drive did not complete the command (security frozen)"
			}
		}
	}
	l.wipes = append(l.wipes, w)
	l.event(at, "wipe", "", "", w.operator, "", fmt.Appendf(nil, `{"medium_id":%d,"method":%q,"result":%q,"wipe_record_id":%d}`,
		m.id, w.method, w.result, w.id))
	if w.result == inventory.ResultFailed {
		l.passed[s.medium] = false
		name := m.serial
		if name == "" {
			name = "#" + string(m.kind)
		}
		l.setFlag(inventory.FlagWipeFailed, "medium "+name+" failed sanitization", w.operator, at.Add(time.Second))
		return nil
	}
	l.passed[s.medium] = true
	if slices.Contains(l.passed, false) {
		return nil
	}
	l.clearFlag(inventory.FlagWipeFailed, w.operator, at.Add(time.Second))
	if l.status == inventory.StatusReceived {
		return l.doStatus(inventory.StatusWiped, "every storage medium sanitized", at.Add(2*time.Second), w.operator)
	}
	return nil
}

func (l *life) setFlag(f inventory.Flag, note string, by int64, at time.Time) {
	if _, ok := l.open[f]; ok {
		return
	}
	l.open[f] = len(l.flags)
	l.flags = append(l.flags, flagRow{id: l.g.next.flag, deviceID: l.d.id, flag: f, note: note, setBy: by, setAt: at})
	l.g.next.flag++
	l.event(at, "flag", "", "", by, note, fmt.Appendf(nil, `{"flag":%q,"set":true}`, f))
}

func (l *life) clearFlag(f inventory.Flag, by int64, at time.Time) {
	i, ok := l.open[f]
	if !ok {
		return
	}
	delete(l.open, f)
	l.flags[i].clearedBy, l.flags[i].clearedAt = by, at
	l.event(at, "flag", "", "", by, "", fmt.Appendf(nil, `{"flag":%q,"set":false}`, f))
}

// doRepair records a repair, as RecordRepair does.
func (l *life) doRepair(s step, at time.Time) error {
	if !slices.Contains([]inventory.Status{"received", "wiped", "in_repair", "ready"}, l.status) {
		return fmt.Errorf("a repair on a %s device", l.status)
	}
	r := l.r
	var desc, parts string
	switch {
	case s.desc != "":
		desc, parts = s.desc, s.parts
	case s.battery:
		desc, parts = "Replaced the battery", "battery"
		l.d.battery = 90 + r.IntN(11)
	case s.outcome == "end_of_life":
		desc = oneOf(r, []string{"Diagnosed: mainboard fault, not worth repairing", "Diagnosed: liquid damage on the mainboard",
			"Diagnosed: no parts available for this model", "Diagnosed: cracked chassis and failing display"})
	default:
		opts := repairs[l.d.kind]
		x := opts[r.IntN(len(opts))]
		desc, parts = x[0], x[1]
	}
	rp := repairRow{id: l.g.next.repair, deviceID: l.d.id, cycle: l.d.cycle, description: desc, parts: parts,
		minutes: 10 + r.IntN(170), outcome: s.outcome, createdAt: at}
	l.g.next.repair++
	rp.workers = []int64{l.worker()}
	if r.IntN(3) == 0 {
		if u := l.trainee(); u != rp.workers[0] {
			rp.workers = append(rp.workers, u)
		}
	}
	rp.recordedBy = rp.workers[0]
	l.repairs = append(l.repairs, rp)
	var ws strings.Builder
	for i, u := range rp.workers {
		if i > 0 {
			ws.WriteByte(',')
		}
		ws.WriteString(strconv.FormatInt(u, 10))
	}
	l.event(at, "repair", "", "", rp.recordedBy, desc, fmt.Appendf(nil, `{"repair_id":%d,"outcome":%q,"minutes":%d,"workers":[%s]}`,
		rp.id, rp.outcome, rp.minutes, ws.String()))
	return nil
}

// doQA records a QA check, as RecordQACheck does: the battery item fails by itself below the
// minimum health.
func (l *life) doQA(passed bool, at time.Time) error {
	if !slices.Contains([]inventory.Status{"received", "wiped", "in_repair", "ready"}, l.status) {
		return fmt.Errorf("a QA check on a %s device", l.status)
	}
	r := l.r
	template := l.g.qa[l.d.kind]
	low := l.d.battery >= 0 && l.d.battery < l.g.batteryMin && l.hasQAItem("battery")
	q := qaRow{id: l.g.next.qa, deviceID: l.d.id, cycle: l.d.cycle, passed: passed, performedBy: l.worker(), createdAt: at}
	l.g.next.qa++
	if r.IntN(2) == 0 {
		if q.verifier = l.staff(); q.verifier == q.performedBy {
			q.verifier = 0
		}
	}
	var failed string
	switch {
	case passed && low:
		return fmt.Errorf("a passed QA check with the battery at %d%%", l.d.battery)
	case passed:
		q.items = l.g.qaPassed[l.d.kind]
	case low:
		failed = "battery"
		q.items = qaJSON(template, failed, fmt.Sprintf("battery health %d%% is below the %d%% minimum.", l.d.battery, l.g.batteryMin))
	default:
		failed = template[r.IntN(len(template))].Key
		q.items = qaJSON(template, failed, oneOf(r, []string{"intermittent", "does not work", "works after a restart only"}))
	}
	l.qa = append(l.qa, q)
	l.qaPassed[l.d.cycle] = passed
	detail := fmt.Appendf(nil, `{"qa_check_id":%d,"passed":%t}`, q.id, passed)
	if failed != "" {
		detail = fmt.Appendf(nil, `{"failed":[%q],"qa_check_id":%d,"passed":false}`, failed, q.id)
	}
	l.event(at, "qa", "", "", q.performedBy, "", detail)
	return nil
}

// fill tops the history up with notes and edits, so that the events follow the requested
// average: the shortfall of the devices so far decides how many this one gets.
func (l *life) fill() {
	g, r := l.g, l.r
	natural := int64(len(l.events))
	g.eventTarget += int64(g.opts.EventsPerDevice)
	want := g.eventTarget - g.events - natural + int64(r.IntN(5)) - 2
	n := max(0, min(want, int64(3*g.opts.EventsPerDevice)))
	g.events += natural + n
	if n == 0 {
		return
	}
	start := l.d.receivedAt.Add(time.Minute)
	end := l.events[len(l.events)-1].at
	if slices.Contains([]inventory.Status{"received", "wiped", "in_repair", "ready", "reserved"}, l.status) {
		later := l.d.receivedAt.Add(30 * 24 * time.Hour)
		if dl := g.now.Add(-time.Hour); later.After(dl) {
			later = dl
		}
		if later.After(end) {
			end = later
		}
	}
	if !end.After(start) {
		end = start.Add(time.Minute)
	}
	fields := []string{"location", "notes", "condition_grade", "keyboard_layout", "weight_kg"}
	for range n {
		at := start.Add(time.Duration(r.Int64N(int64(end.Sub(start))))).Truncate(time.Second)
		if w := g.workHours(at); !w.After(end) {
			at = w
		}
		if r.IntN(4) == 0 {
			l.event(at, "edit", "", "", l.worker(), "", fmt.Appendf(nil, `{"fields":[%q]}`, oneOf(r, fields)))
		} else {
			l.event(at, "note", "", "", l.worker(), oneOf(r, noteEvents), nil)
		}
	}
}
