package dialect

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"

	"frontdesk/store"
)

// ErrBadKey is CheckKey's answer for a key pair the sandbox does not
// know, a wrong secret or a revoked key; each dialect answers it in its
// platform's own words.
var ErrBadKey = errors.New("unknown key, wrong secret or revoked key")

// CheckKey checks the sandbox key pair keyID/secret against st's keys, as
// the desk server does: secrets are stored as their hex SHA-256 and
// compared in constant time (an unknown key costs the same comparison).
// It returns the key (its agent and role); ErrBadKey when they do not
// match; any other error is the store's.
func CheckKey(ctx context.Context, st store.Store, keyID, secret string) (store.APIKey, error) {
	var k store.APIKey
	err := st.Read(ctx, func(tx store.Tx) error {
		var err error
		k, err = tx.APIKey(ctx, keyID)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(dummyHash))
		return store.APIKey{}, ErrBadKey
	case err != nil:
		return store.APIKey{}, fmt.Errorf("look up key: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(k.SecretHash)) != 1 || k.Revoked {
		return store.APIKey{}, ErrBadKey
	}
	return k, nil
}

// hashSecret is how the sandbox stores secrets (as server/auth.go does).
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

var dummyHash = hashSecret("cs_no_such_key")
