package workshops

import (
	"testing"

	"github.com/digital-inclusion/refurb/internal/calendar"
)

func TestCanTransition(t *testing.T) {
	for _, tt := range []struct {
		from, to Status
		want     bool
	}{
		{StatusPending, StatusApproved, true},
		{StatusPending, StatusRejected, true},
		{StatusApproved, StatusRejected, false},
		{StatusRejected, StatusApproved, false},
		{StatusApproved, StatusPending, false},
		{StatusRejected, StatusPending, false},
		{StatusPending, StatusPending, false},
	} {
		if got := CanTransition(tt.from, tt.to); got != tt.want {
			t.Errorf("%s -> %s: got %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestNewHoursValidate(t *testing.T) {
	today := calendar.Date(mustDate("2026-12-07"))
	ok := NewHours{TraineeID: 1, Date: today, Minutes: 60, Activity: ActivityRepair}
	start := 23*60 + 30
	for _, tt := range []struct {
		name  string
		edit  func(*NewHours)
		rule  Rule
		field string
	}{
		{"zero minutes", func(n *NewHours) { n.Minutes = 0 }, RuleMinutes, "minutes"},
		{"negative minutes", func(n *NewHours) { n.Minutes = -30 }, RuleMinutes, "minutes"},
		{"over 12 hours", func(n *NewHours) { n.Minutes = 721 }, RuleDayCap, "minutes"},
		{"tomorrow", func(n *NewHours) { n.Date = today.AddDate(0, 0, 1) }, RuleFuture, "date"},
		{"past midnight", func(n *NewHours) { n.StartMinute = &start }, "", "startTime"},
		{"unknown activity", func(n *NewHours) { n.Activity = "napping" }, "", "activity"},
		{"no date", func(n *NewHours) { n.Date = calendar.Date(mustDate("0001-01-01")) }, "", "date"},
	} {
		n := ok
		tt.edit(&n)
		_, err := n.validate(today)
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		re, isRule := err.(*RuleError)
		if tt.rule != "" && (!isRule || re.Rule != tt.rule || re.Field != tt.field) {
			t.Errorf("%s: got %#v, want rule %s on %s", tt.name, err, tt.rule, tt.field)
		}
		if tt.rule == "" && (isRule || !fieldIs(err, tt.field)) {
			t.Errorf("%s: got %v, want a field error on %s", tt.name, err, tt.field)
		}
	}
	if _, err := ok.validate(today); err != nil {
		t.Errorf("a valid entry: %v", err)
	}
}

func TestWeekStart(t *testing.T) {
	for day, want := range map[string]string{
		"2026-12-07": "2026-12-07", // Monday
		"2026-12-09": "2026-12-07",
		"2026-12-13": "2026-12-07", // Sunday
		"2027-01-01": "2026-12-28",
	} {
		if got := WeekStart(mustDate(day)).Format("2006-01-02"); got != want {
			t.Errorf("%s: got %s, want %s", day, got, want)
		}
	}
}

func TestNormalizeBadge(t *testing.T) {
	for in, want := range map[string]string{
		"ABCDEFGH23":                           "ABCDEFGH23",
		"abcdefgh23":                           "ABCDEFGH23",
		"https://refurb.example/T/ABCDEFGH23":  "ABCDEFGH23",
		"HTTPS://REFURB.EXAMPLE/T/ABCDEFGH23/": "ABCDEFGH23",
		"ABCDEFGH1":                            "",
		"ABCDEFGH01":                           "",
		"https://refurb.example/D/DI-000001-X": "",
	} {
		if got := NormalizeBadge(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]int{"09:30": 570, "9:30": 570, "00:00": 0, "23:59": 1439} {
		if got, ok := ParseClock(in); !ok || got != want {
			t.Errorf("%q: got %d, %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"24:00", "9:3", "930", "", "-1:00", "12:60"} {
		if _, ok := ParseClock(in); ok {
			t.Errorf("%q: accepted", in)
		}
	}
}
