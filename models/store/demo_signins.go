package store

import (
	"context"
	"fmt"
)

// DemoSignIns lists the demo users of an already seeded database (local
// mode), in the order they were made, for the start-up banner: the users at
// the demo data's ".example" domains.
func (s *Store) DemoSignIns(ctx context.Context) ([]DemoSignIn, error) {
	var out []DemoSignIn
	err := s.db.WithContext(ctx).Raw(`SELECT role, email FROM users WHERE email LIKE '%.example' AND disabled_at IS NULL ORDER BY id LIMIT 50`).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list demo sign-ins: %w", err)
	}
	return out, nil
}
