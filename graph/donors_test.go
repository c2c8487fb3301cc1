package graph_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
)

func TestDonorSeesOnlyTheirDevices(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	mine := e.intake(staff, e.createDonor(staff, "Mine SA"), laptop("M1"), laptop("M2"))
	theirs := e.intake(staff, e.createDonor(staff, "Theirs SA"), laptop("T1"))
	var donorID int64
	if err := e.db.Owner.NewSelect().Table("donors").Column("id").Where("name = 'Mine SA'").Scan(context.Background(), &donorID); err != nil {
		t.Fatal(err)
	}
	donor := e.user("it@mine.example", auth.RoleDonor, &donorID)

	var list struct {
		Devices struct {
			TotalCount int
			Nodes      []struct{ Tag string }
		}
	}
	e.ok(donor, `{ devices { totalCount nodes { tag } } }`, nil, &list)
	var tags []string
	for _, n := range list.Devices.Nodes {
		tags = append(tags, n.Tag)
	}
	sort.Strings(tags)
	want := []string{mine.Devices.Nodes[0].Tag, mine.Devices.Nodes[1].Tag}
	if list.Devices.TotalCount != 2 || !slices.Equal(tags, want) {
		t.Errorf("donor's devices: got %d %v, want %v", list.Devices.TotalCount, tags, want)
	}
	if d := e.device(donor, mine.Devices.Nodes[0].Tag); d.Donation == nil || d.Donation.Donor.Name != "Mine SA" {
		t.Errorf("donor's own device: got %+v", d)
	}
	e.fails(donor, `query($tag: String!) { device(tag: $tag) { id } }`, map[string]any{"tag": theirs.Devices.Nodes[0].Tag}, graph.CodeNotFound)
	e.fails(donor, `query($id: ID!) { donation(id: $id) { id } }`, map[string]any{"id": theirs.ID}, graph.CodeNotFound)
	var node struct{ Node any }
	e.ok(donor, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": theirs.Devices.Nodes[0].ID}, &node)
	if node.Node != nil {
		t.Errorf("node(id:) of another donor's device: got %v, want null", node.Node)
	}
	e.fails(donor, `{ donors { totalCount } }`, nil, graph.CodeForbidden)
}

// TestDonorsWithDonations lists donors with the first page of their donations: one statement
// for the donations of all of them.
func TestDonorsWithDonations(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	// Its own staff user: the test world of inventorytest.Users brings a donor, which this list would show.
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	for _, name := range []string{"Alpha SA", "Bêta asbl"} {
		id := e.createDonor(staff, name)
		e.intake(staff, id, laptop(name+"-1"))
		e.intake(staff, id, laptop(name+"-2"))
	}
	var out struct {
		Donors struct {
			Nodes []struct {
				Name      string
				Donations struct {
					TotalCount int
					PageInfo   struct{ HasNextPage bool }
					Nodes      []struct{ Number string }
				}
			}
		}
	}
	_, statements := e.statements.count(func() {
		e.ok(staff, `{ donors(first: 10) { nodes { name donations(first: 1) { totalCount pageInfo { hasNextPage } nodes { number } } } } }`, nil, &out)
	})
	n := 0
	for _, s := range statements {
		if strings.Contains(s, "PARTITION BY dn.donor_id") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("statements for the donations of 2 donors: got %d, want 1:\n%s", n, strings.Join(statements, "\n"))
	}
	if len(out.Donors.Nodes) != 2 {
		t.Fatalf("donors: got %+v", out.Donors)
	}
	for _, d := range out.Donors.Nodes {
		if d.Donations.TotalCount != 2 || !d.Donations.PageInfo.HasNextPage || len(d.Donations.Nodes) != 1 {
			t.Errorf("%s: got %+v, want the newest of 2 donations and a next page", d.Name, d.Donations)
		}
	}
}
