package graph

import (
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
)

// certificateNode is a certificate as the Certificate type reads it. token is set only in the
// issueCertificate response: the database keeps the token's hash, so verifyURL carries the
// token once, when the certificate is issued, and afterwards only the number (the page then
// checks an uploaded PDF against the stored hash).
type certificateNode struct {
	*certificates.Certificate
	token string
}

// certificateLoaderKey keys the request's loader of donations' certificates.
type certificateLoaderKey struct{}

// addCertificates adds donation and erasure certificates and their public verification.
func (b *builder) addCertificates() {
	st := func() *certificates.Store { return b.deps.Certificates }
	kind := newEnum("CertificateKind", "What a certificate attests.", certificates.Kinds)
	certificate := b.certificateType(kind)
	// node(id:) does not look certificates up: it returns null for their ids.
	addNode[certificateNode](b, certificate, nil)
	verification := b.verificationType(kind)
	b.register(kind, verification)

	list := nonNull(graphql.NewList(nonNull(certificate)))
	b.extend("Donation", graphql.Fields{"certificates": {
		Type:        list,
		Description: "The donation's certificates, newest first, superseded ones included. Staff, administrators and the donor's users.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id := p.Source.(*inventory.Donation).ID
			l := scoped(p.Info, certificateLoaderKey{}, func() *loader[int64, []certificates.Certificate] {
				return newLoader(byKey(st().ForDonations))
			})
			th := l.Load(p.Context, id)
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
		},
	}})

	b.query["verifyCertificate"] = &graphql.Field{
		Type:        nonNull(verification),
		Description: "Public: whether a certificate is genuine and current, from the number and token its QR code carries. Rate-limited per client address.",
		Args: graphql.FieldConfigArgument{
			"number": {Type: nonNull(graphql.String)},
			"token":  {Type: nonNull(graphql.String)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st().Verify(p.Context, p.Args["number"].(string), p.Args["token"].(string))
		},
	}
	b.mutation["issueCertificate"] = &graphql.Field{
		Type: nonNull(certificate),
		Description: "Renders and stores a certificate for a donation (DONATION, ERASURE) in fr, de or en; a re-issue supersedes the previous certificate of that kind. " +
			"ERASURE needs every drive sanitized (WIPE_REQUIRED). Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"subjectID": {Type: nonNull(graphql.ID), Description: "A Donation (DONATION, ERASURE), a DeviceRequest (HANDOVER) or a Trainee (ATTENDANCE)."},
			"kind":      {Type: nonNull(kind)},
			"language":  {Type: graphql.String, DefaultValue: "fr"},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			k, _ := p.Args["kind"].(certificates.Kind)
			// The domain says which kinds can be issued and what each is about: the kind is
			// checked before the id, which must name the kind's subject.
			subject, err := certificates.SubjectOf(k)
			if err != nil {
				return nil, err
			}
			id, err := idOf("subjectID", string(subject), p.Args["subjectID"].(string))
			if err != nil {
				return nil, err
			}
			lang, _ := p.Args["language"].(string)
			issued, err := st().Issue(p.Context, id, k, strings.ToLower(strings.TrimSpace(lang)))
			if err != nil {
				return nil, err
			}
			return certificateNode{Certificate: issued.Certificate, token: issued.Token}, nil
		},
	}
}

// certificateType declares Certificate.
func (b *builder) certificateType(kind *graphql.Enum) *graphql.Object {
	st := func() *certificates.Store { return b.deps.Certificates }
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        "Certificate",
		Description: "An issued document: its PDF was rendered once and is kept byte for byte.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("Certificate", p.Source.(certificateNode).ID), nil
			}},
			"number": {Type: nonNull(graphql.String), Description: "E.g. DC-2026-00042 (donation) or EC-2026-00042 (erasure).",
				Resolve: certField(func(c certificateNode) any { return c.Number })},
			"kind": {Type: nonNull(kind), Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Source.(certificateNode).Kind, nil
			}},
			"language": {Type: nonNull(graphql.String), Resolve: certField(func(c certificateNode) any { return c.Language })},
			"issuedAt": {Type: nonNull(b.timeT), Resolve: certField(func(c certificateNode) any { return c.IssuedAt })},
			"pdfURL": {Type: nonNull(graphql.String), Description: "The PDF, for staff and administrators, the donor's users (donations' certificates) and the trainee an attendance certificate is about.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					return st().PDFURL(p.Source.(certificateNode).Number), nil
				}},
			"sha256": {Type: nonNull(graphql.String), Description: "Of the PDF bytes as issued.",
				Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(certificateNode).SHA256, nil }},
			"verifyURL": {Type: nonNull(graphql.String),
				Description: "The public page the certificate's QR code opens. It carries the verification token only in the issueCertificate response (only the token's hash is stored); elsewhere the page verifies an uploaded PDF.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					c := p.Source.(certificateNode)
					if c.token == "" {
						return strings.TrimSuffix(st().VerifyURL(c.Number, ""), "?t="), nil
					}
					return st().VerifyURL(c.Number, c.token), nil
				}},
			"current": {Type: nonNull(graphql.Boolean), Description: "False once a re-issue superseded it.",
				Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(certificateNode).Current(), nil }},
			"periodFrom": {Type: b.dateT, Description: "The first day of the period an attendance certificate covers, as printed; null for other kinds and for those issued before it was kept.",
				Resolve: certField(func(c certificateNode) any { return optionalDate(c.PeriodFrom) })},
			"periodTo": {Type: b.dateT, Description: "The last day of the period an attendance certificate covers, as printed.",
				Resolve: certField(func(c certificateNode) any { return optionalDate(c.PeriodTo) })},
			"deviceCount": {Type: nonNull(graphql.Int), Resolve: certField(func(c certificateNode) any { return c.DeviceCount })},
			"driveCount":  {Type: nonNull(graphql.Int), Resolve: certField(func(c certificateNode) any { return c.DriveCount })},
		},
	})
}

// verificationType declares CertificateVerification.
func (b *builder) verificationType(kind *graphql.Enum) *graphql.Object {
	status := newEnum("CertificateStatus", "What a verification found: VALID (genuine and current), SUPERSEDED (genuine, replaced by a later certificate), UNKNOWN (no certificate has this number and token).",
		[]certificates.Status{certificates.StatusValid, certificates.StatusSuperseded, certificates.StatusUnknown})
	b.register(status)
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        "CertificateVerification",
		Description: "What anyone holding a certificate's number and token may learn about it: never serial numbers or personal data.",
		Fields: graphql.Fields{
			"valid": {Type: nonNull(graphql.Boolean), Description: "Genuine and current (not superseded).",
				Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*certificates.Verification).Valid(), nil }},
			"status": {Type: nonNull(status)},
			"number": {Type: nonNull(graphql.String)},
			"kind": {Type: kind, Resolve: func(p graphql.ResolveParams) (any, error) {
				if k := p.Source.(*certificates.Verification).Kind; k != "" {
					return k, nil
				}
				return nil, nil
			}},
			"issuedAt": {Type: b.timeT, Resolve: func(p graphql.ResolveParams) (any, error) {
				v := p.Source.(*certificates.Verification)
				if v.IssuedAt.IsZero() {
					return nil, nil
				}
				return v.IssuedAt, nil
			}},
			"sha256":       {Type: graphql.String, Resolve: optionalString(func(v *certificates.Verification) string { return v.SHA256 })},
			"issuerName":   {Type: graphql.String, Resolve: optionalString(func(v *certificates.Verification) string { return v.IssuerName })},
			"donorName":    {Type: graphql.String, Description: "Null for a private person or an anonymous drop-off.", Resolve: optionalString(func(v *certificates.Verification) string { return v.DonorName })},
			"supersededBy": {Type: graphql.String, Description: "The number of the certificate that replaces this one.", Resolve: optionalString(func(v *certificates.Verification) string { return v.SupersededBy })},
			"deviceCount":  {Type: graphql.Int, Resolve: optionalCount(func(v *certificates.Verification) int { return v.DeviceCount })},
			"driveCount":   {Type: graphql.Int, Resolve: optionalCount(func(v *certificates.Verification) int { return v.DriveCount })},
		},
	})
}

// addOrganisation adds the organisation that runs Refurb, the issuer printed on certificates.
func (b *builder) addOrganisation() {
	organisation := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Organisation",
		Description: "The organisation that runs Refurb: the issuer printed on certificates.",
		Fields: graphql.Fields{
			"name":               {Type: nonNull(graphql.String)},
			"address":            {Type: nonNull(graphql.String)},
			"registrationNumber": {Type: nonNull(graphql.String)},
			"hasLogo": {Type: nonNull(graphql.Boolean), Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Source.(*certificates.Organisation).Logo != nil, nil
			}},
		},
	})
	b.query["organisation"] = &graphql.Field{
		Type:        nonNull(organisation),
		Description: "The issuer printed on certificates. Public: it is printed on every certificate anyway.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return b.deps.Certificates.Organisation(p.Context)
		},
	}
	b.mutation["setOrganisation"] = &graphql.Field{
		Type:        nonNull(organisation),
		Description: "Changes the issuer printed on certificates issued from now on (issued ones never change). Administrators only; the logo is set with `refurb org set --logo`.",
		Args: graphql.FieldConfigArgument{
			"name":               {Type: nonNull(graphql.String)},
			"address":            {Type: graphql.String, DefaultValue: ""},
			"registrationNumber": {Type: graphql.String, DefaultValue: ""},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			cur, err := b.deps.Certificates.Organisation(p.Context)
			if err != nil {
				return nil, err
			}
			org := certificates.Organisation{Name: p.Args["name"].(string), Address: p.Args["address"].(string),
				RegistrationNumber: p.Args["registrationNumber"].(string), Logo: cur.Logo}
			if err := b.deps.Certificates.SetOrganisation(p.Context, org); err != nil {
				return nil, err
			}
			return b.deps.Certificates.Organisation(p.Context)
		},
	}
	b.register(organisation)
}

// certField resolves a Certificate field from the certificate.
func certField(get func(certificateNode) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) { return get(p.Source.(certificateNode)), nil }
}

// optionalDate returns d's day, or nil for a nil d (a typed nil would print as a date).
func optionalDate(d *time.Time) any {
	if d == nil {
		return nil
	}
	return *d
}

func optionalString(get func(*certificates.Verification) string) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		if s := get(p.Source.(*certificates.Verification)); s != "" {
			return s, nil
		}
		return nil, nil
	}
}

func optionalCount(get func(*certificates.Verification) int) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		v := p.Source.(*certificates.Verification)
		if v.Status == certificates.StatusUnknown {
			return nil, nil
		}
		return get(v), nil
	}
}
