package auth

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestGroups(t *testing.T) {
	tests := []struct {
		group Group
		want  []Role
	}{
		{Admins, []Role{RoleAdmin}},
		{Office, []Role{RoleAdmin, RoleStaff}},
		{Workshop, []Role{RoleAdmin, RoleStaff, RoleTrainee}},
		{Office | Donors, []Role{RoleAdmin, RoleStaff, RoleDonor}},
		{Everyone, Roles},
		{SocialWorkers, []Role{RoleSocialWorker}},
	}
	for _, tt := range tests {
		if got := tt.group.Roles(); !slices.Equal(got, tt.want) {
			t.Errorf("%b: got %v, want %v", tt.group, got, tt.want)
		}
		for _, r := range Roles {
			if got, want := tt.group.Has(r), slices.Contains(tt.want, r); got != want {
				t.Errorf("%v.Has(%s): got %v, want %v", tt.want, r, got, want)
			}
		}
	}
	if Role("janitor").Group() != 0 || Everyone.Has("janitor") {
		t.Error("an unknown role belongs to a group")
	}
}

func TestRequire(t *testing.T) {
	trainee := WithActor(context.Background(), Actor{UserID: 7, Role: RoleTrainee})
	if a, err := Require(trainee, Workshop); err != nil || a.UserID != 7 {
		t.Errorf("trainee in Workshop: got %v %v", a, err)
	}
	if _, err := Require(trainee, Office); !errors.Is(err, ErrForbidden) {
		t.Errorf("trainee in Office: got %v, want ErrForbidden", err)
	}
	if _, err := Require(trainee, Office, Trainees); err != nil {
		t.Errorf("trainee in Office or Trainees: got %v", err)
	}
	if _, err := Require(trainee); err != nil {
		t.Errorf("trainee signed in: got %v", err)
	}
	if _, err := Require(context.Background(), Everyone); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("anonymous: got %v, want ErrUnauthenticated", err)
	}
	if _, err := Require(System(context.Background()), Admins); err != nil {
		t.Errorf("the command line is an administrator: got %v", err)
	}
}
