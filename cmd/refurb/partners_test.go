package main

import (
	"context"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pgtest"
)

func TestPartners(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	env := map[string]string{"DATABASE_URL": db.URL}
	ctx := context.Background()
	out, _, err := refurb(t, ctx, env, "", "partners", "create", "--name", "Office social de Hesperange", "--kind", "SOCIAL_OFFICE", "--contact", "+352 36 00 00")
	if err != nil || !strings.Contains(out, "created partner organisation") {
		t.Fatalf("create: %q, %v", out, err)
	}
	if _, _, err := refurb(t, ctx, env, "", "partners", "create", "--name", "x", "--kind", "BANK"); err == nil || !strings.Contains(err.Error(), "--kind") {
		t.Errorf("unknown kind: %v", err)
	}
	if _, _, err := refurb(t, ctx, env, "", "partners", "create", "--name", "office social de hesperange", "--kind", "NGO"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("same name: %v", err)
	}
	out, _, err = refurb(t, ctx, env, "", "partners", "list")
	if err != nil || !strings.Contains(out, "Walk-in") || !strings.Contains(out, "Office social de Hesperange") || !strings.Contains(out, "SOCIAL_OFFICE") {
		t.Errorf("list: %q, %v", out, err)
	}
	// A social worker of it, by the number the list shows.
	line := strings.Split(strings.TrimSpace(out), "\n")[2]
	id := strings.Fields(line)[0]
	if _, _, err := refurb(t, ctx, env, "", "users", "create", "--email", "ana@office.lu", "--name", "Ana", "--role", "SOCIAL_WORKER", "--partner-id", id, "--coordinator"); err != nil {
		t.Errorf("social worker of the new organisation: %v", err)
	}
}
