package client_test

import (
	"testing"

	"frontdesk/client"
)

// Page numbers dressed as cursors read back as the same numbers, page 1
// is the list's start, a previous-page cursor is never empty, and a
// cursor of another platform is refused as invalid.
func TestPageCursors(t *testing.T) {
	for _, n := range []int{1, 2, 7, 1000} {
		got, err := client.PageNumber(client.PageCursor(n))
		if err != nil || got != n {
			t.Errorf("PageNumber(PageCursor(%d)) = %d, %v", n, got, err)
		}
		if back, err := client.PageNumber(client.PrevPageCursor(n)); err != nil || back != n || client.PrevPageCursor(n) == "" {
			t.Errorf("PrevPageCursor(%d) = %q reads %d, %v", n, client.PrevPageCursor(n), back, err)
		}
	}
	if client.PageCursor(1) != "" || client.PageCursor(0) != "" {
		t.Error("page 1's cursor is not the list's start")
	}
	for _, bad := range []string{"2", "page:0", "page:x", "cursor:abc"} {
		if _, err := client.PageNumber(bad); client.KindOf(err) != client.KindInvalid {
			t.Errorf("PageNumber(%q) = %v, want an invalid error", bad, err)
		}
	}
}
