package vault

import (
	"context"

	"hms/internal/platform/db"
)

// DocumentKind is the kind of the subject a document is sealed under.
const DocumentKind = "document"

// SealDocument seals a stored document about one or more persons (a letter,
// the tenant information, evidence) under a subject of its own, created
// here, and returns it with the ciphertext. The capability keeps the subject
// next to the bytes, opens them with Open and, when any person the document
// concerns is erased, Shreds it: the document can then not be opened
// anywhere, old backups included (the erasure journal replays the shred).
func (v *Vault) SealDocument(ctx context.Context, tx *db.Tx, field string, plaintext []byte) (SubjectID, []byte, error) {
	if err := checkField(field); err != nil {
		return 0, nil, err
	}
	s, err := v.NewSubject(ctx, tx, DocumentKind)
	if err != nil {
		return 0, nil, err
	}
	sealed, err := v.Seal(ctx, tx, s, field, plaintext)
	if err != nil {
		return 0, nil, err
	}
	return s, sealed, nil
}
