package forms

import (
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Presence is who else has a customer open, as the profile's last
// heartbeat heard it (client.CapPresence), shared by pointer between the
// profile and the edit form it opens: the form reads Others before a
// save and sets Editing while it is open, which the profile's next
// heartbeat reports. One per profile, never global; touched only from
// the program's goroutine.
type Presence struct {
	CustomerID api.ID
	// Others are the other agents present, earliest first.
	Others []api.Viewer
	// Editing is true while an edit form on the customer is open.
	Editing bool
	// Loc is where "since" times are shown, and Now the console's clock
	// (time.Local and time.Now when nil).
	Loc *time.Location
	Now func() time.Time
}

// now is p's clock.
func (p *Presence) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// EditingMsg tells the profile that its edit form opened, so it sends a
// heartbeat with editing now instead of at the next beat.
type EditingMsg struct{ CustomerID api.ID }

// Since is when v opened the customer, as the agent reads the time:
// "10:02", or "Mar 13 10:02" on another day than now.
func (p *Presence) Since(v api.Viewer, now time.Time) string {
	loc := p.Loc
	if loc == nil {
		loc = time.Local
	}
	t := v.Since.In(loc)
	if y, m, d := t.Date(); y != now.In(loc).Year() || m != now.In(loc).Month() || d != now.In(loc).Day() {
		return t.Format("Jan 2 15:04")
	}
	return t.Format("15:04")
}

// Sentence says who else has the customer open, for a header or a
// question: "Jane Wanjiru (since 10:02, editing), Baraka Otieno (since
// 10:05)"; the names are sanitized, each cut to nameCells cells as c
// measures them. "" when nobody.
func (p *Presence) Sentence(c sanitize.Cells, now time.Time, nameCells int) string {
	if p == nil || len(p.Others) == 0 {
		return ""
	}
	parts := make([]string, 0, len(p.Others))
	for _, v := range p.Others {
		name := v.Name
		if strings.TrimSpace(name) == "" {
			name = v.AgentID
		}
		s := c.Truncate(name, nameCells) + " (since " + p.Since(v, now)
		if v.Editing {
			s += ", editing"
		}
		if v.Via == "ssh" {
			s += ", over SSH"
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

// WatchPresence makes the edit form s (NewEditProfile) report itself
// open on pres (Editing) and, before a save, ask whether to save anyway
// while another agent has the customer open; the save still sends
// If-Match, the question only warns. It returns s; any other screen, or
// a nil pres, is left as it is.
func WatchPresence(s tui.Screen, pres *Presence) tui.Screen {
	if e, ok := s.(*EditProfile); ok && pres != nil {
		e.pres = pres
	}
	return s
}
