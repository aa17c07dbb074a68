package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"minqing/layers"
)

// Contacts calls fn for every caller's contact, ordered by incident id. Only
// copying between stores uses it.
func (s *Store) Contacts(ctx context.Context, fn func(incidentID int64, c layers.Contact) error) error {
	rows, err := s.pool.Query(ctx, "SELECT incident_id, coalesce(name, ''), coalesce(phone, '') FROM incident_contacts ORDER BY incident_id")
	if err != nil {
		return wrap("contacts", err)
	}
	var id int64
	var c layers.Contact
	_, err = pgx.ForEachRow(rows, []any{&id, &c.Name, &c.Phone}, func() error { return fn(id, c) })
	return wrap("contacts", err)
}

// PutContacts stores contacts by incident id in one transaction.
func (s *Store) PutContacts(ctx context.Context, contacts map[int64]layers.Contact) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap("put contacts", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	var b pgx.Batch
	for id, c := range contacts {
		b.Queue("INSERT INTO incident_contacts (incident_id, name, phone) VALUES ($1, $2, $3) "+
			"ON CONFLICT (incident_id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone",
			id, nullable(c.Name), nullable(c.Phone))
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return wrap("put contacts", err)
	}
	return wrap("put contacts: commit", tx.Commit(ctx))
}

var _ layers.ContactCopier = (*Store)(nil)
