package client

import (
	"fmt"
	"strconv"
	"strings"

	"frontdesk/api"
)

// Platforms whose APIs page by number (the frontdesk contract, the plain
// store API) hand out page numbers dressed as cursors, so that nothing
// above the driver depends on numbering and the CLI's --page means the
// same on each.

const pageCursorPrefix = "page:"

// PageCursor is the cursor of page n (1-based) of a page-numbered list:
// "" for page 1, the list's start.
func PageCursor(n int) string {
	if n <= 1 {
		return ""
	}
	return pageCursorPrefix + strconv.Itoa(n)
}

// PageNumber reads a cursor made by PageCursor: 1 for "". Any other text
// is an invalid-input error naming the cursor.
func PageNumber(cursor string) (int, error) {
	if cursor == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(cursor, pageCursorPrefix))
	if !strings.HasPrefix(cursor, pageCursorPrefix) || err != nil || n < 1 {
		return 0, &APIError{K: KindInvalid, Code: api.CodeValidation,
			Message: fmt.Sprintf("cursor %q was not made by this platform", cursor), Fields: map[string]string{"cursor": "not a cursor of this list"}}
	}
	return n, nil
}

// PrevPageCursor is the cursor a page hands back to page n: never "",
// which in Page.Prev means there is no previous page ("page:1" for the
// first page; PageNumber reads it as 1).
func PrevPageCursor(n int) string { return pageCursorPrefix + strconv.Itoa(max(1, n)) }
