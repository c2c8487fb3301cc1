package graph

import (
	"errors"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
)

// The loaders of the request area, by key type, each made once per GraphQL request.
type (
	partnerLoaderKey          struct{}
	requesterLoaderKey        struct{}
	requestCertificatesLoader struct{}
)

// addRequests adds device requests, their triage and the queue (docs/requests.md); partner
// organisations, the request policy, matching, allocation and the hand-out are areas of their
// own (partners.go, requestpolicy.go, matches.go, handout.go). Who may do what is the requests
// package's.
func (b *builder) addRequests() {
	st := b.deps.Requests
	status := newEnum("RequestStatus", "Where a device request is: SUBMITTED, then APPROVED, WAITLISTED or REJECTED, then ALLOCATED (a device reserved) and HANDED_OUT; or CANCELLED.", requests.Statuses)
	purpose := newEnum("RequestPurpose", "What the beneficiary needs the device for.", requests.Purposes)
	decision := newEnum("RequestDecision", "Triage's answer to a submitted or waitlisted request.", requests.Decisions)
	urgency := newEnum("RequestUrgency", "Orders the triage queue: HIGH first.", requests.Urgencies)
	household := newEnum("HouseholdSize", "How many people will share the device: ONE, TWO, THREE_FOUR, FIVE_PLUS.", requests.Households)

	request := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DeviceRequest",
		Description: "A request for a device for a beneficiary known only by the social worker's pseudonymous reference.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields:      b.fields("DeviceRequest", func() graphql.Fields { return b.requestFields(status, purpose, urgency, household) }),
	})
	addNode(b, request, func(p graphql.ResolveParams, id int64) (*requests.Request, error) {
		r, err := st.Request(p.Context, id)
		return foundRequest(r, err)
	})
	requestConnection := b.newConnection("DeviceRequestConnection", request)

	submitInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "SubmitDeviceRequestInput",
		Fields: graphql.InputObjectConfigFieldMapThunk(func() graphql.InputObjectConfigFieldMap {
			return graphql.InputObjectConfigFieldMap{
				"reference":      {Type: nonNull(graphql.String), Description: "Your own pseudonymous reference for the beneficiary: never a name, an e-mail address or a phone number."},
				"kind":           {Type: nonNull(b.enum("DeviceKind"))},
				"purpose":        {Type: nonNull(purpose)},
				"language":       {Type: graphql.String, Description: "The beneficiary's preferred language: fr, de, en, pt or ar."},
				"keyboardLayout": {Type: graphql.String, Description: "e.g. FR, DE, CH-FR, US."},
				"note":           {Type: graphql.String, Description: "A short needs note (300 characters): never a name or a reason."},
				"urgency":        {Type: urgency, Description: "Default NORMAL."},
				"household":      {Type: household},
				"partnerID":      {Type: graphql.ID, Description: "Staff: the partner organisation (default: the walk-in organisation). A social worker's requests are their organisation's."},
			}
		}),
	})
	b.register(status, purpose, decision, urgency, household, requestConnection, submitInput)

	b.query["deviceRequests"] = &graphql.Field{
		Type:        nonNull(requestConnection),
		Description: "Requests, newest first: a social worker's own (a coordinator's organisation's), every one for staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"status": {Type: graphql.NewList(nonNull(status))},
			"first":  {Type: graphql.Int, DefaultValue: 50},
			"after":  {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			pg := page(p, 50)
			rp, err := st.Requests(p.Context, requests.Filter{Statuses: inputEnums[requests.Status](p.Args, "status")}, requests.Page{First: pg.First, After: pg.After})
			if err != nil {
				return nil, err
			}
			return connection(pointers(rp.Requests), rp.HasNextPage, rp.EndCursor, rp.TotalCount), nil
		},
	}
	b.query["requestQueue"] = &graphql.Field{
		Type:        listOf(request),
		Description: "Triage: open requests (default SUBMITTED, WAITLISTED and APPROVED), most urgent first, then longest waiting. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"status": {Type: graphql.NewList(nonNull(status))},
			"first":  {Type: graphql.Int, DefaultValue: 100},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			first, _ := p.Args["first"].(int)
			rs, err := st.Queue(p.Context, inputEnums[requests.Status](p.Args, "status"), first)
			return pointers(rs), err
		},
	}

	b.mutation["submitDeviceRequest"] = &graphql.Field{
		Type:        nonNull(request),
		Description: "Files a request: a social worker for their organisation, within the policy (open kinds; the limit of open requests); staff for a walk-in or a partner.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(submitInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newSubmitRequestInput(inputMap(p.Args["input"]))
			if err != nil {
				return nil, inArg("input", err)
			}
			r, err := st.Submit(p.Context, n)
			return r, inArg("input", err)
		},
	}
	b.mutation["decideDeviceRequest"] = &graphql.Field{
		Type:        nonNull(request),
		Description: "APPROVE, WAITLIST or REJECT a submitted (or waitlisted) request; WAITLIST and REJECT need a reason the social worker reads. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"id":       {Type: nonNull(graphql.ID)},
			"decision": {Type: nonNull(decision)},
			"reason":   {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "DeviceRequest", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			d, _ := p.Args["decision"].(requests.Decision)
			reason, _ := p.Args["reason"].(string)
			return st.Decide(p.Context, id, d, reason)
		},
	}
	b.mutation["cancelDeviceRequest"] = &graphql.Field{
		Type:        nonNull(request),
		Description: "Withdraws an open request: its social worker or coordinator until a device is reserved for it, staff at any open stage (the device goes back to READY).",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "DeviceRequest", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			r, err := st.Cancel(p.Context, id)
			if err == nil {
				b.changed(p, nil)
			}
			return r, err
		},
	}
}

// requestFields are DeviceRequest's fields; other areas add theirs.
func (b *builder) requestFields(status, purpose, urgency, household *graphql.Enum) graphql.Fields {
	st := b.deps.Requests
	src := func(p graphql.ResolveParams) *requests.Request { return p.Source.(*requests.Request) }
	optionalTime := func(get func(*requests.Request) *time.Time) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) {
			if t := get(src(p)); t != nil {
				return *t, nil
			}
			return nil, nil
		}
	}
	return graphql.Fields{
		"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
			return globalID("DeviceRequest", src(p).ID), nil
		}},
		"reference": {Type: nonNull(graphql.String), Description: "The social worker's pseudonymous reference; empty once anonymised.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return derefString(src(p).Reference), nil }},
		"kind":           {Type: nonNull(b.enum("DeviceKind"))},
		"purpose":        {Type: nonNull(purpose)},
		"status":         {Type: nonNull(status)},
		"urgency":        {Type: nonNull(urgency)},
		"household":      {Type: household},
		"language":       {Type: graphql.String},
		"keyboardLayout": {Type: graphql.String},
		"note":           {Type: graphql.String},
		"reason":         {Type: graphql.String, Description: "The reason given with a WAITLIST or REJECT decision."},
		"version":        {Type: nonNull(graphql.Int)},
		"submittedAt":    {Type: nonNull(b.timeT)},
		"decidedAt":      {Type: b.timeT, Resolve: optionalTime(func(r *requests.Request) *time.Time { return r.DecidedAt })},
		"allocatedAt":    {Type: b.timeT, Resolve: optionalTime(func(r *requests.Request) *time.Time { return r.AllocatedAt })},
		"handedOutAt":    {Type: b.timeT, Resolve: optionalTime(func(r *requests.Request) *time.Time { return r.HandedOutAt })},
		"closedAt":       {Type: b.timeT, Resolve: optionalTime(func(r *requests.Request) *time.Time { return r.ClosedAt })},
		"pickupOn":       {Type: b.dateT, Description: "When the beneficiary may collect the device, once allocated.", Resolve: optionalTime(func(r *requests.Request) *time.Time { return r.PickupOn })},
		"anonymised": {Type: nonNull(graphql.Boolean), Description: "The details were removed after the retention period.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return src(p).AnonymisedAt != nil, nil }},
		"waitingDays": {Type: nonNull(graphql.Int), Description: "Whole days since it was submitted (until it closed).",
			Resolve: func(p graphql.ResolveParams) (any, error) { return int(src(p).Waiting(time.Now()).Hours() / 24), nil }},
		"partner": {Type: nonNull(b.object("PartnerOrganisation")), Resolve: func(p graphql.ResolveParams) (any, error) {
			l := scoped(p.Info, partnerLoaderKey{}, func() *loader[int64, *requests.Partner] { return newLoader(byKey(st.PartnersByID)) })
			return thunk(l.Load(p.Context, src(p).PartnerID)), nil
		}},
		"requesterName": {Type: nonNull(graphql.String), Description: "Who filed it: the social worker (their name only), or the staff member for a walk-in.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				l := scoped(p.Info, requesterLoaderKey{}, func() *loader[int64, string] { return newLoader(byKey(st.RequesterNames)) })
				return thunk(l.Load(p.Context, src(p).ID)), nil
			}},
		"device": {Type: b.object("Device"), Description: "Once allocated. Staff and administrators (null for others).",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				r := src(p)
				if a, ok := auth.ActorFrom(p.Context); r.DeviceID == nil || !ok || !requests.MayTriage(a) {
					return nil, nil
				}
				return thunk(b.inventoryLoaders(p).devices.Load(p.Context, *r.DeviceID)), nil
			}},
		"certificates": {Type: listOf(b.object("Certificate")), Description: "The hand-over receipt once handed out (re-issues too), newest first.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				l := scoped(p.Info, requestCertificatesLoader{}, func() *loader[int64, []certificates.Certificate] {
					return newLoader(byKey(b.deps.Certificates.ForRequests))
				})
				th := l.Load(p.Context, src(p).ID)
				return func() (any, error) {
					cs, err := th()
					if err != nil {
						return nil, err
					}
					out := make([]certificateNode, len(cs))
					for i := range cs {
						out[i] = certificateNode{Certificate: &cs[i]}
					}
					return out, nil
				}, nil
			}},
	}
}

// newSubmitRequestInput reads SubmitDeviceRequestInput.
func newSubmitRequestInput(m map[string]any) (requests.NewRequest, error) {
	kind, _ := m["kind"].(inventory.Kind)
	purpose, _ := m["purpose"].(requests.Purpose)
	urgency, _ := m["urgency"].(requests.Urgency)
	household, _ := m["household"].(requests.Household)
	n := requests.NewRequest{Reference: inputString(m, "reference"), Kind: kind, Purpose: purpose, Language: inputString(m, "language"),
		KeyboardLayout: inputString(m, "keyboardLayout"), Note: inputString(m, "note"), Urgency: urgency, Household: household}
	pid, err := optionalID("partnerID", "PartnerOrganisation", m["partnerID"])
	if err != nil {
		return n, err
	}
	if pid != nil {
		n.PartnerID = *pid
	}
	return n, nil
}

// foundRequest turns requests' ErrNotFound (and a request the actor may not read) into no
// value, for node(id:).
func foundRequest[V any](v V, err error) (V, error) {
	// errors.Is: a reader that wraps either (with the request's id, say) is still a null here,
	// which tells another organisation's social worker nothing about the request.
	if err != nil && (isNotFound(err) || errors.Is(err, auth.ErrForbidden)) {
		var zero V
		return zero, nil
	}
	return v, err
}

func isNotFound(err error) bool { return errors.Is(err, requests.ErrNotFound) }

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
