package graph_test

import (
	"testing"

	"github.com/digital-inclusion/refurb/auth"
)

// TestUserNode resolves a user's global id with node(id:), as the users area registers it.
func TestUserNode(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	trainee := e.as(auth.RoleTrainee)
	var me struct{ Me struct{ ID string } }
	e.ok(trainee, `{ me { id } }`, nil, &me)
	var out struct {
		Node *struct {
			ID    string
			Email string
		}
	}
	e.ok(trainee, `query($id: ID!) { node(id: $id) { id ... on User { email } } }`, map[string]any{"id": me.Me.ID}, &out)
	if out.Node == nil || out.Node.ID != me.Me.ID || out.Node.Email != "trainee@example.org" {
		t.Errorf("node(id:) of yourself: got %+v, want %s trainee@example.org", out.Node, me.Me.ID)
	}
}
