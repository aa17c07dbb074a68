package layers

import "context"

// ContactCopier is implemented by stores that can hand over the callers'
// contacts of incidents (table incident_contacts) when an office moves from
// one store to another. Only "minqing copy" uses it: no layer, tile, export
// or aggregate reads contacts.
type ContactCopier interface {
	// Contacts calls fn for each stored contact, by incident id.
	Contacts(ctx context.Context, fn func(incidentID int64, c Contact) error) error
	// PutContacts stores contacts by incident id, in one transaction,
	// replacing any the incidents had. Every incident must exist.
	PutContacts(ctx context.Context, contacts map[int64]Contact) error
}
