package client

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseBaseURL checks raw as a platform's API URL and returns it with no
// trailing slash: http or https, a host, and no credentials, query or
// fragment (the key and secret travel apart, never in a URL). what names
// it in the errors ("store URL", "Chec API URL") and example shows the
// form to use.
func ParseBaseURL(what, example, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("no %s: pass it, e.g. %s", what, example)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s %q is not a URL (%v): use the form %s", what, raw, err, example)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%s %q must start with http:// or https://", what, raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%s %q has no host: use the form %s", what, raw, example)
	case u.User != nil:
		return nil, fmt.Errorf("the %s must not carry credentials: pass the key and secret separately", what)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%s %q must not have a query or fragment", what, raw)
	}
	u.Path, u.RawPath = strings.TrimRight(u.Path, "/"), ""
	return u, nil
}

// WithBase is u with base (a path such as "/api/v1") appended unless its
// path ends with it already.
func WithBase(u *url.URL, base string) string {
	if !strings.HasSuffix(u.Path, base) {
		u.Path += base
	}
	return u.String()
}
