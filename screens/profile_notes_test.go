package screens

import (
	"fmt"
	"strings"
	"testing"

	"frontdesk/client"
	"frontdesk/screens/forms"
)

// The Notes tab pages through the platform's own cursors, says where it
// is, and a new note takes it back to the first page, where the note is.
func TestProfileNotesPages(t *testing.T) {
	pf, custs := fakeStoreWith(client.All())
	id := custs[0].ID
	for i := range notesPageSize + 5 {
		if _, err := pf.AddNote(t.Context(), id, fmt.Sprintf("note number %02d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	p := fakeProfile(t, pf, id, 120, 40)
	press(t, p, "4")
	n := notesOf(p)
	if p.Tab() != int(tabNotes) || len(n.pg.items()) != notesPageSize {
		t.Fatalf("4: tab %d with %d notes, want the notes with %d", p.Tab(), len(n.pg.items()), notesPageSize)
	}
	if v := p.View(); !strings.Contains(v, "page 1 of 2 · 25 notes, newest first") || !strings.Contains(v, "note number 25") {
		t.Fatalf("the first page:\n%s", v)
	}
	press(t, p, "pgdown")
	if n.pg.n != 2 || len(n.pg.items()) != 5 || n.pg.items()[0].Body != "note number 05" {
		t.Fatalf("pgdn: page %d with %d notes", n.pg.n, len(n.pg.items()))
	}
	if v := p.View(); !strings.Contains(v, "page 2 of 2") || !strings.Contains(v, "note number 01") {
		t.Fatalf("the second page:\n%s", v)
	}
	if ts := toasts(press(t, p, "pgdown")); len(ts) != 1 || ts[0] != "this is the last page" {
		t.Fatalf("pgdn on the last page said %q", ts)
	}

	note, err := pf.AddNote(t.Context(), id, "the newest note")
	if err != nil {
		t.Fatal(err)
	}
	_, cmd := p.Update(forms.NoteAddedMsg{Note: note})
	settle(t, p, cmd)
	if v := p.View(); n.pg.n != 1 || !strings.Contains(v, "the newest note") || !strings.Contains(v, "page 1 of 2 · 26 notes") {
		t.Fatalf("after a new note, page %d:\n%s", n.pg.n, v)
	}
}
