package impact

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/requests"
)

// AnnualReport gathers the figures of the annual impact report of year on tx, the issuing
// transaction of the certificate (certificates.ImpactReporter: package server gives it to the
// certificates' Store). The current year is reported up to today. Staff and administrators.
func AnnualReport(ctx context.Context, tx bun.IDB, year int) (*certificates.ImpactReport, error) {
	s := NewStore(tx)
	from := Jan1(year)
	to := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	ytd := false
	if today := s.Today(); to.After(today) {
		to, ytd = today, true
	}
	l, err := s.Ledger(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return l.Report(year, ytd), nil
}

// Report is the ledger as an annual report shows it.
func (l *Ledger) Report(year int, yearToDate bool) *certificates.ImpactReport {
	rep := &certificates.ImpactReport{
		Year: year, From: l.From, To: l.To, YearToDate: yearToDate,
		DevicesReceived: l.Devices.Received, DevicesHandedOut: l.Devices.HandedOut,
		DevicesRecycled: l.Devices.Recycled, DevicesDismantled: l.Devices.Dismantled,
		KGReceived: l.Devices.KGReceived, KGReused: l.Devices.KGReused, KGRecycled: l.Devices.KGRecycled,
		CO2eAvoidedKG:    l.Devices.CO2eAvoidedKG,
		AgeAtIntakeYears: l.Age.AtIntakeYears, AgeAtHandOutYears: l.Age.AtHandOutYears,
		ExtraYearsPerDevice: l.Age.ExtraYearsPerDevice, LifetimeFactor: l.Age.LifetimeFactor,
		RequestsHandedOut: l.RequestsHandedOut, MedianWaitDays: l.MedianWaitDays, P90WaitDays: l.P90WaitDays,
		FollowUpsAsked: l.FollowUps.Asked, FollowUpsAnswered: l.FollowUps.Answered, FollowUpsInUse: l.FollowUps.InUse[requests.InUseYes],
		TraineeMinutes: l.TraineeMinutes, SkillsCertified: l.SkillsCertified, CertificatesIssued: l.CertificatesIssued,
	}
	if n := len(l.Queue); n > 0 {
		rep.WaitingAtEnd = l.Queue[n-1].Waiting
	}
	for _, s := range l.FactorSets {
		rep.FactorSets = append(rep.FactorSets, certificates.ReportFactorSet{Name: s.Name, Version: s.Version, InForceFrom: s.InForceFrom,
			Devices: s.Devices, CO2eAvoidedKG: s.CO2eAvoidedKG})
	}
	for _, m := range l.Months {
		rep.Months = append(rep.Months, certificates.ReportMonth{Month: m.Month, Received: m.Received, HandedOut: m.HandedOut, Recycled: m.Recycled})
	}
	for _, k := range l.Kinds {
		rep.Kinds = append(rep.Kinds, certificates.ReportKind{Kind: k.Kind, Received: k.Received, HandedOut: k.HandedOut, Recycled: k.Recycled,
			KGReused: k.KGReused, CO2eAvoidedKG: k.CO2eAvoidedKG})
	}
	partners := map[requests.PartnerKind]int{}
	purposes := map[requests.Purpose]int{}
	for _, g := range l.ByPartner {
		partners[g.PartnerKind] += g.HandedOut
		purposes[g.Purpose] += g.HandedOut
	}
	for _, k := range requests.PartnerKinds {
		if n := partners[k]; n > 0 {
			rep.Partners = append(rep.Partners, certificates.ReportCount{Key: string(k), Count: n})
		}
	}
	for _, p := range requests.Purposes {
		if n := purposes[p]; n > 0 {
			rep.Purposes = append(rep.Purposes, certificates.ReportCount{Key: string(p), Count: n})
		}
	}
	for _, p := range l.Programmes {
		rep.Programmes = append(rep.Programmes, certificates.ReportProgramme{Name: p.Programme, Funder: p.Funder, Minutes: p.Minutes, Trainees: p.Trainees})
	}
	return rep
}
