package store

import (
	"errors"

	"frontdesk/store/searchq"
)

// CheckSearchQuery checks a search's text the way every engine's search
// reads it (searchq.ParseQuery): nil, or the bad filter's field (as
// typed, without the colon) and a sentence that says what to type.
func CheckSearchQuery(q string) (field string, err error) {
	if _, err := searchq.ParseQuery(q); err != nil {
		var fe *searchq.FilterError
		if errors.As(err, &fe) {
			return fe.Field, err
		}
		return "", err
	}
	return "", nil
}
