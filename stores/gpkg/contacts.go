package gpkg

import (
	"context"
	"database/sql"

	"minqing/layers"
)

// Contacts calls fn for every caller's contact, ordered by incident id. Only
// copying between stores uses it.
func (s *Store) Contacts(ctx context.Context, fn func(incidentID int64, c layers.Contact) error) error {
	rows, err := s.rdb.QueryContext(ctx, "SELECT incident_id, name, phone FROM incident_contacts ORDER BY incident_id")
	if err != nil {
		return wrap("contacts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, phone sql.NullString
		if err := rows.Scan(&id, &name, &phone); err != nil {
			return wrap("contacts", err)
		}
		if err := fn(id, layers.Contact{Name: name.String, Phone: phone.String}); err != nil {
			return err
		}
	}
	return wrap("contacts", rows.Err())
}

// PutContacts stores contacts by incident id in one transaction.
func (s *Store) PutContacts(ctx context.Context, contacts map[int64]layers.Contact) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return wrap("put contacts", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	st, err := tx.PrepareContext(ctx, "INSERT INTO incident_contacts (incident_id, name, phone) VALUES (?1, ?2, ?3) "+
		"ON CONFLICT (incident_id) DO UPDATE SET name = excluded.name, phone = excluded.phone")
	if err != nil {
		return wrap("put contacts", err)
	}
	defer st.Close()
	for id, c := range contacts {
		if _, err := st.ExecContext(ctx, id, nullable(c.Name), nullable(c.Phone)); err != nil {
			return wrap("put contacts", err)
		}
	}
	return wrap("put contacts: commit", tx.Commit())
}

var _ layers.ContactCopier = (*Store)(nil)
