package dialect

// Credential is one `name: value` line a dialect prints after `url:` when
// the sandbox serves it: what that platform's driver needs to call it.
// By convention `key` is the profile's key id, `secret` the secret kept
// in the keyring, and any other name a platform option of that name
// (`site`, `client-id`, `auth-url`, …).
type Credential struct {
	Name, Value string
}

// Pair is the usual credentials of a dialect authenticating the
// sandbox's own key pair: `key: ck_…` and `secret: cs_…`.
func Pair(keyID, secret string) []Credential {
	return []Credential{{Name: "key", Value: keyID}, {Name: "secret", Value: secret}}
}
