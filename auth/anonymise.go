package auth

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// AnonymisedName is the name an anonymised account keeps.
const AnonymisedName = "Anonymised"

// AnonymiseTraineeAccounts strips the accounts linked to the trainees of what identified them,
// on db (workshops calls it on the transaction that anonymises the trainees' records,
// docs/workshops.md "Retention"): the account is disabled, its name becomes AnonymisedName, its
// e-mail address anonymised-<user id>@invalid, its password a random one nobody knows, its
// language is forgotten, its PIN deleted, its API tokens revoked and its link to the trainee
// removed. Its sessions stop working at their next request, as a disabled user's do (within the
// credential cache's few seconds). The audit log gets one user.anonymised entry an account, by
// id. It returns the ids of the accounts it changed; it checks no actor.
func AnonymiseTraineeAccounts(ctx context.Context, db bun.IDB, traineeIDs ...int64) ([]int64, error) {
	if len(traineeIDs) == 0 {
		return nil, nil
	}
	hash, err := HashPassword(GeneratePassword())
	if err != nil {
		return nil, err
	}
	var ids []int64
	if err := db.NewRaw(`UPDATE users SET name = ?, email = 'anonymised-' || id || '@invalid', password_hash = ?, language = NULL,
			trainee_id = NULL, disabled_at = coalesce(disabled_at, now()), updated_at = now()
		WHERE trainee_id IN (?) RETURNING id`, AnonymisedName, hash, bun.List(traineeIDs)).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("anonymise trainee accounts: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if _, err := db.NewRaw("DELETE FROM user_pins WHERE user_id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("delete PINs: %w", err)
	}
	if _, err := db.NewRaw("UPDATE api_tokens SET revoked_at = now() WHERE user_id IN (?) AND revoked_at IS NULL", bun.List(ids)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("revoke tokens: %w", err)
	}
	for _, id := range ids {
		if err := insertAudit(ctx, db, &AuditEntry{Action: "user.anonymised", SubjectID: &id, Detail: map[string]any{}}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
