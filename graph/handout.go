package graph

import (
	"github.com/graphql-go/graphql"
)

// addHandOut adds the way from an approved request to a device in the beneficiary's hands:
// allocating a ready device, releasing it, and the hand-out at the counter.
func (b *builder) addHandOut() {
	st := b.deps.Requests
	request := b.object("DeviceRequest")
	b.mutation["allocateDevice"] = &graphql.Field{
		Type: nonNull(request),
		Description: "Reserves a ready device of the request's kind for an approved request, in one transaction with the version of the device you saw " +
			"(CONFLICT when it changed: someone else took it). Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"requestID": {Type: nonNull(graphql.ID)},
			"deviceID":  {Type: nonNull(graphql.ID)},
			"version":   {Type: nonNull(graphql.Int)},
			"pickupOn":  {Type: b.dateT, Description: "When the beneficiary may collect it; default the next working day."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			rid, err := idOf("requestID", "DeviceRequest", p.Args["requestID"].(string))
			if err != nil {
				return nil, err
			}
			did, err := idOf("deviceID", "Device", p.Args["deviceID"].(string))
			if err != nil {
				return nil, err
			}
			r, err := st.Allocate(p.Context, rid, did, p.Args["version"].(int), inputTime(p.Args, "pickupOn"))
			if err == nil {
				b.changed(p, nil)
			}
			return r, err
		},
	}
	b.mutation["releaseDevice"] = &graphql.Field{
		Type:        nonNull(request),
		Description: "Takes the reserved device off an allocated request, which goes back to APPROVED; the device goes back to READY, or LOST with lost. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"requestID": {Type: nonNull(graphql.ID)},
			"lost":      {Type: graphql.Boolean, DefaultValue: false},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			rid, err := idOf("requestID", "DeviceRequest", p.Args["requestID"].(string))
			if err != nil {
				return nil, err
			}
			r, err := st.Release(p.Context, rid, p.Args["lost"].(bool))
			if err == nil {
				b.changed(p, nil)
			}
			return r, err
		},
	}
	b.mutation["handOutDevice"] = &graphql.Field{
		Type: nonNull(request),
		Description: "Records the hand-out at the counter: the beneficiary's signature is stored, request and device move to HANDED_OUT and the hand-over receipt " +
			"is issued, in one transaction. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"requestID": {Type: nonNull(graphql.ID)},
			"signature": {Type: nonNull(graphql.String), Description: "The signature drawn at the counter: a PNG as base64 or a data: URL."},
			"language":  {Type: graphql.String, Description: "The receipt's language (fr, de, en, pt, ar); default the request's, else fr."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			rid, err := idOf("requestID", "DeviceRequest", p.Args["requestID"].(string))
			if err != nil {
				return nil, err
			}
			lang, _ := p.Args["language"].(string)
			r, err := st.HandOut(p.Context, rid, p.Args["signature"].(string), lang)
			if err == nil {
				b.changed(p, nil)
			}
			return r, err
		},
	}
}
